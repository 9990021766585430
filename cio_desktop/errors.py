"""The root of cio-desktop's error tree; every error a user may see derives from ``CioDesktopError``.

    CioDesktopError                   message: plain words for a person; detail: technical, still secret-free
    ├── ConfigError                   the workspace file or settings cannot be read or written
    │   └── WorkspaceError            unknown workspace, duplicate name, invalid field
    ├── SecretStoreError              the OS keyring is missing, locked, slow or refused a call
    └── ApiError                      (cio_desktop.api.errors) what goes wrong talking to Customer.io

No message or detail ever carries a secret, a request body or a response body.
"""

from __future__ import annotations


class CioDesktopError(Exception):
    """Base of every error cio-desktop raises on purpose."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class ConfigError(CioDesktopError):
    """The workspace file or settings could not be read or written."""


class WorkspaceError(ConfigError):
    """A workspace operation was refused: unknown name, duplicate name or an invalid field."""


class SecretStoreError(CioDesktopError):
    """The OS keyring could not be used (missing, locked, timed out or refused)."""


#: The app's offer when no secure keyring can be used (a button in the GUI acts on it).
SESSION_ONLY_HINT = "You can keep secrets for this session only (they are forgotten when the app closes)."
#: What the command line says instead: a command ends when it is done, so it has no session to keep.
CLI_KEYRING_HINT = (
    "The command line stores and reads keys only in a secure system keyring: unlock or set one up "
    "(the app can keep keys for one session instead)."
)


def for_command_line(message: str) -> str:
    """``message`` with the app-only session offer replaced by what a command can do."""
    return message.replace(SESSION_ONLY_HINT, CLI_KEYRING_HINT)
