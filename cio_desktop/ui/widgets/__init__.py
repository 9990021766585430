"""Small shared widgets: status dot, region badge, inline error banner, busy indicator with Cancel.

Import each from its own module (``cio_desktop.ui.widgets.error_banner`` ...) so start-up loads only what
it shows.
"""
