"""Plain data shared by every layer: regions, secret kinds and the ``Workspace`` record.

Not responsible for storing anything: ``workspaces.py`` persists workspaces, ``secrets.py`` keeps secrets.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Region(StrEnum):
    """A workspace's data centre. ``AUTO`` means "not detected yet"."""

    US = "us"
    EU = "eu"
    AUTO = "auto"


class SecretKind(StrEnum):
    """The kinds of secret a workspace may hold; each is one keyring item."""

    TRACK_API_KEY = "track_api_key"
    APP_API_KEY = "app_api_key"
    PIPELINES_KEY = "pipelines_key"
    OAUTH_ACCESS_TOKEN = "oauth_access_token"
    OAUTH_REFRESH_TOKEN = "oauth_refresh_token"
    OAUTH_SESSION = "oauth_session"  # the sign-in record: issuer, endpoints, client id, expiry (no token)
    OAUTH_CLIENT_SECRET = "oauth_client_secret"  # a pre-registered client's secret, when it has one


# Kinds whose values may be longer than one keyring item holds on every platform (Windows' Credential
# Manager: about 1,280 UTF-16 characters). They are split into items ``kind``, ``kind.2`` ... ``kind.N``.
LONG_SECRET_KINDS = (SecretKind.OAUTH_ACCESS_TOKEN, SecretKind.OAUTH_REFRESH_TOKEN)
# An OAuth sign-in's items (kept under their own owner ids, never under a workspace's keyring id).
OAUTH_KINDS = (
    SecretKind.OAUTH_ACCESS_TOKEN,
    SecretKind.OAUTH_REFRESH_TOKEN,
    SecretKind.OAUTH_SESSION,
    SecretKind.OAUTH_CLIENT_SECRET,
)
# A workspace's keys (``<keyring id>/<kind>``): every kind but the sign-in items.
WORKSPACE_KEY_KINDS = tuple(kind for kind in SecretKind if kind not in OAUTH_KINDS)
SECRET_PART_CHARS = 1200
MAX_SECRET_PARTS = 8


def new_workspace_id() -> str:
    """A stable random id; keyring items are keyed by it, so renaming keeps the secrets."""
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Workspace:
    """One Customer.io workspace as the app knows it. Holds no secret.

    ``track_url``/``app_url``/``pipelines_url`` override the region's hosts (the sandbox, a proxy);
    ``ca_file`` is a PEM bundle trusted in addition to the OS store; ``workspace_id`` is Customer.io's
    numeric id (the ``environment_id`` the region lookup returns), when known; ``demo`` marks the practice
    workspace backed by the built-in sandbox.

    ``keyring_id`` names the keyring items holding the workspace's keys (``None``: the same as ``id``).
    A change of keys writes a complete new set under a fresh ``keyring_id`` before the workspace file
    points at it, so the file always names a complete set. ``stored_keys`` lists the kinds the file says
    are in the keyring (``None`` for entries written before it was recorded). ``key_dates`` maps a stored
    kind to the day (ISO ``YYYY-MM-DD``, UTC) its key was added or last replaced: the key's age, never
    anything about its value (empty for entries written before dates were kept).
    """

    name: str
    region: Region = Region.AUTO
    site_id: str | None = None
    track_url: str | None = None
    app_url: str | None = None
    pipelines_url: str | None = None
    ca_file: str | None = None
    workspace_id: int | None = None
    demo: bool = False
    id: str = field(default_factory=new_workspace_id)
    # Bookkeeping of the layer, not settings: two copies that differ only here are the same workspace.
    keyring_id: str | None = field(default=None, compare=False)
    stored_keys: tuple[SecretKind, ...] | None = field(default=None, compare=False)
    key_dates: Mapping[SecretKind, str] = field(default_factory=dict, compare=False)

    @property
    def secrets_id(self) -> str:
        """The id the keyring items of this workspace are stored under."""
        return self.keyring_id or self.id

    def replace(self, **changes: object) -> Workspace:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]  # kwargs are checked at runtime
