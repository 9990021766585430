"""The bundle's entry point: the ``cio-desktop`` command (PyInstaller runs this file as ``__main__``)."""

import sys

from cio_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
