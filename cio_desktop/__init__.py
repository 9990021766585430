"""cio-desktop: a desktop admin tool for Customer.io.

Importing this package must stay cheap: no Qt, no httpx, no keyring here.
"""

__version__ = "0.1.0"
APP_NAME = "cio-desktop"
