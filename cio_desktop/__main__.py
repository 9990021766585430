"""``python -m cio_desktop``: same as the ``cio-desktop`` command."""

import sys

from cio_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
