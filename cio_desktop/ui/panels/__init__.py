"""The main window's panels: Customer lookup, Event test, Request inspector (D2) and Settings (D1).

Each work panel follows the panel contract written at the top of ``cio_desktop/ui/main_window.py``.
"""
