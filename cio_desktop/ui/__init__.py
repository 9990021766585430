"""The desktop app's Qt layer: main window, panels, dialogs and widgets (the only package importing Qt)."""
