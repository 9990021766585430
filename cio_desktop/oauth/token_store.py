"""Tokens in the OS keyring: one item per token, each at most ``SECRET_PART_CHARS`` characters.

A long token is split into items ``oauth_access_token``, ``oauth_access_token.2`` ... (Windows' Credential
Manager refuses items above about 1,280 UTF-16 characters). The sign-in record (issuer, endpoints,
client id, resource, scope, expiry and how many parts each token has; no token) is the item
``oauth_session``. Tokens alternate between two sets of items (slot 0: ``oauth_access_token``,
``oauth_access_token.2`` ...; slot 1: ``oauth_access_token.b1`` ...): a save writes the new tokens into the
slot not in use, then the record naming that slot (the one write that switches), then deletes the old
slot's parts. A kill at any moment leaves the record pointing at a complete pair, never at a token made of
two halves. The refresh token is written before the access token, so a rotated refresh token is stored
before the new access token is used.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from cio_desktop.models import MAX_SECRET_PARTS, SECRET_PART_CHARS, SecretKind
from cio_desktop.oauth.errors import OAuthError

if TYPE_CHECKING:
    from cio_desktop.secrets import SecretStore

ACCOUNT_OWNER = "cio-account"  # the keyring owner id of the Customer.io account sign-in
WORKSPACE_OWNER_PREFIX = "oauth-"


def oauth_owner(workspace_id: str) -> str:
    """The keyring owner of a workspace's OAuth sign-in. Apart from its keys (``<keyring id>/<kind>``),
    whose id changes when the keys are replaced: a sign-in outlives a key change."""
    return f"{WORKSPACE_OWNER_PREFIX}{workspace_id}"


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """Everything needed to refresh and revoke, without any token. ``account`` fields describe the
    Customer.io account sign-in (the MCP address)."""

    issuer: str
    token_endpoint: str
    client_id: str
    revocation_endpoint: str | None = None
    resource: str | None = None
    scope: str | None = None
    expires_at: float | None = None
    has_client_secret: bool = False
    mcp_url: str | None = None
    region: str | None = None
    access_parts: int = 1
    refresh_parts: int = 0
    slot: int = 0  # which set of items holds the tokens (see the module docstring)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> SessionRecord | None:
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        names = {f.name for f in fields(cls)}
        try:
            return cls(**{k: v for k, v in data.items() if k in names})
        except TypeError:
            return None

    def replace(self, **changes: Any) -> SessionRecord:
        import dataclasses

        return dataclasses.replace(self, **changes)


def split(value: str) -> list[str]:
    """``value`` in parts of at most ``SECRET_PART_CHARS`` characters."""
    parts = [value[i : i + SECRET_PART_CHARS] for i in range(0, len(value), SECRET_PART_CHARS)]
    if len(parts) > MAX_SECRET_PARTS:
        raise OAuthError(
            f"The authorization server issued a token longer than cio-desktop can keep "
            f"({len(value)} characters; at most {SECRET_PART_CHARS * MAX_SECRET_PARTS})."
        )
    return parts


def _item(kind: SecretKind, index: int, slot: int = 0) -> str:
    if slot:
        return f"{kind.value}.b{index}"
    return kind.value if index == 1 else f"{kind.value}.{index}"


@dataclass(frozen=True, slots=True)
class StoredTokens:
    record: SessionRecord
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)


class TokenStore:
    """Reads and writes one owner's tokens (``oauth_owner(workspace id)``, or ``ACCOUNT_OWNER``)."""

    def __init__(self, secrets: SecretStore) -> None:
        self._secrets = secrets

    async def load(self, owner: str) -> StoredTokens | None:
        """The stored sign-in, or None when there is none (or it is incomplete)."""
        raw = await self._secrets.get(owner, SecretKind.OAUTH_SESSION)
        record = SessionRecord.from_json(raw) if raw else None
        if record is None:
            return None
        slot = record.slot if record.slot in (0, 1) else 0
        access = await self._read(owner, SecretKind.OAUTH_ACCESS_TOKEN, record.access_parts, slot)
        if not access:
            return None
        refresh = await self._read(owner, SecretKind.OAUTH_REFRESH_TOKEN, record.refresh_parts, slot)
        return StoredTokens(record, access, refresh)

    async def client_secret(self, owner: str) -> str | None:
        return await self._secrets.get(owner, SecretKind.OAUTH_CLIENT_SECRET)

    async def set_client_secret(self, owner: str, secret: str | None) -> None:
        if secret:
            await self._secrets.set(owner, SecretKind.OAUTH_CLIENT_SECRET, secret)
        else:
            await self._secrets.delete(owner, SecretKind.OAUTH_CLIENT_SECRET)

    async def save(
        self, owner: str, record: SessionRecord, access_token: str, refresh_token: str | None
    ) -> SessionRecord:
        """Store the tokens in the slot not in use, then the record naming it (the switch), then delete the
        old slot's parts; returns the record as stored."""
        old_raw = await self._secrets.get(owner, SecretKind.OAUTH_SESSION)
        old = SessionRecord.from_json(old_raw) if old_raw else None
        slot = 1 - old.slot if old is not None and old.slot in (0, 1) else 0
        refresh_parts = split(refresh_token) if refresh_token else []
        access_parts = split(access_token)
        await self._write(owner, SecretKind.OAUTH_REFRESH_TOKEN, refresh_parts, slot)
        await self._write(owner, SecretKind.OAUTH_ACCESS_TOKEN, access_parts, slot)
        record = record.replace(access_parts=len(access_parts), refresh_parts=len(refresh_parts), slot=slot)
        await self._secrets.set(owner, SecretKind.OAUTH_SESSION, record.to_json())
        if old is not None and old.slot != slot:  # the pair no longer in use
            await self._trim(owner, SecretKind.OAUTH_ACCESS_TOKEN, 0, old.access_parts, old.slot)
            await self._trim(owner, SecretKind.OAUTH_REFRESH_TOKEN, 0, old.refresh_parts, old.slot)
        return record

    async def clear(self, owner: str) -> None:
        """Delete the sign-in: every token part and the record (the client secret stays)."""
        raw = await self._secrets.get(owner, SecretKind.OAUTH_SESSION)
        record = SessionRecord.from_json(raw) if raw else None
        await self._secrets.delete(owner, SecretKind.OAUTH_SESSION)
        for kind, count in (
            (SecretKind.OAUTH_ACCESS_TOKEN, record.access_parts if record else MAX_SECRET_PARTS),
            (SecretKind.OAUTH_REFRESH_TOKEN, record.refresh_parts if record else MAX_SECRET_PARTS),
        ):
            for slot in (0, 1):  # a save killed before its switch may have left the other slot filled
                await self._trim(owner, kind, 0, max(count, 1) if record else MAX_SECRET_PARTS, slot)

    async def _read(self, owner: str, kind: SecretKind, count: int, slot: int = 0) -> str | None:
        if count <= 0:
            return None
        parts = []
        for index in range(1, min(count, MAX_SECRET_PARTS) + 1):
            part = await self._secrets.get_item(owner, _item(kind, index, slot))
            if not part:
                return None  # a part went missing: treat the token as absent, never use half of one
            parts.append(part)
        return "".join(parts)

    async def _write(self, owner: str, kind: SecretKind, parts: list[str], slot: int) -> None:
        for index, part in enumerate(parts, start=1):
            await self._secrets.set_item(owner, _item(kind, index, slot), part)

    async def _trim(self, owner: str, kind: SecretKind, keep: int, had: int, slot: int = 0) -> None:
        # From the last part down: a kill half-way leaves a run of parts from the first, never a gap.
        for index in range(min(had, MAX_SECRET_PARTS), keep, -1):
            await self._secrets.delete_item(owner, _item(kind, index, slot))
