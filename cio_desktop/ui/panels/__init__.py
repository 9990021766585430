"""The main window's panels: Customer lookup, Event test, Request inspector and Settings.

Each work panel follows ``cio_desktop.ui.panel_contract.Panel``.
"""
