"""The sandbox authorization server's memory: clients, pending consents, codes, tokens, device codes.

Lives on the server's event loop only. Tokens are random strings (no JWT); everything is forgotten when
the sandbox stops. Knobs for tests (``s256``, ``issuer_override``, ``access_ttl``, ``token_length``,
``mcp_enabled``, ``device_interval``) are plain attributes.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

# A pre-registered confidential client (RFC 8252 §7.3: any loopback port is accepted for it).
PRESET_CLIENT_ID = "sandbox-desktop"
PRESET_CLIENT_SECRET = "sandbox-oauth-client-secret"  # fake, like every sandbox key
SCOPES = ("read", "read:sensitive", "write")
ACCOUNT_ID = "90210"
CODE_TTL_S = 120.0
CONSENT_TTL_S = 600.0


@dataclass
class Client:
    client_id: str
    redirect_uris: tuple[str, ...]
    secret: str | None = None
    any_loopback_port: bool = False


@dataclass
class Grant:
    """What one consent allowed: shared by its code, access tokens and refresh token."""

    client_id: str
    scope: str
    resource: str | None
    redirect_uri: str | None = None
    challenge: str | None = None
    state: str | None = None
    expires: float = 0.0
    revoked: bool = False


@dataclass
class DeviceRequest:
    grant: Grant
    user_code: str
    expires: float
    decision: str | None = None  # "approve" / "deny"
    polled: bool = False


@dataclass
class OAuthState:
    issuer: str = ""
    clients: dict[str, Client] = field(default_factory=dict)
    pending: dict[str, Grant] = field(default_factory=dict)  # consent request id -> grant
    codes: dict[str, Grant] = field(default_factory=dict)
    used_codes: set[str] = field(default_factory=set)
    access: dict[str, tuple[Grant, float]] = field(default_factory=dict)  # token -> (grant, expiry)
    refresh: dict[str, Grant] = field(default_factory=dict)
    devices: dict[str, DeviceRequest] = field(default_factory=dict)  # device_code -> request
    mcp_sessions: set[str] = field(default_factory=set)  # MCP session ids (clear: sessions expire)
    # knobs and counters for tests
    s256: bool = True
    issuer_override: str | None = None
    access_ttl: float = 3600.0
    token_length: int = 43
    mcp_enabled: bool = True
    device_interval: int = 5
    rotate_refresh: bool = True
    refresh_calls: int = 0
    revoked_calls: int = 0
    registrations: int = 0

    def __post_init__(self) -> None:
        self.add_preset()

    def add_preset(self) -> None:
        self.clients[PRESET_CLIENT_ID] = Client(
            PRESET_CLIENT_ID,
            ("http://127.0.0.1/oauth/callback",),
            PRESET_CLIENT_SECRET,
            any_loopback_port=True,
        )

    def forget_clients(self) -> None:
        """Forget every dynamic registration (as a server that was reset would)."""
        self.clients.clear()
        self.add_preset()

    def new_token(self, prefix: str) -> str:
        body = secrets.token_urlsafe(max(self.token_length, 16) * 3 // 4 + 1)
        while len(body) < self.token_length:
            body += secrets.token_urlsafe(64)
        return f"{prefix}{body[: self.token_length]}"

    def issue(self, grant: Grant) -> dict[str, object]:
        """A token response for ``grant`` (a new access token and, with rotation, a new refresh token)."""
        access = self.new_token("sbx_at_")
        self.access[access] = (grant, time.time() + self.access_ttl)
        reply: dict[str, object] = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(self.access_ttl),
            "scope": grant.scope,
        }
        refresh = self.new_token("sbx_rt_")
        self.refresh[refresh] = grant
        reply["refresh_token"] = refresh
        return reply

    def token_grant(self, token: str | None) -> Grant | None:
        """The grant of a live access token, or None."""
        if not token:
            return None
        found = self.access.get(token)
        if found is None:
            return None
        grant, expiry = found
        if grant.revoked or expiry <= time.time():
            return None
        return grant

    def expire_access_tokens(self) -> None:
        """Make every access token expired now (tests of refresh on 401)."""
        self.access = {t: (g, 0.0) for t, (g, _) in self.access.items()}

    def revoke(self, token: str) -> None:
        self.revoked_calls += 1
        if token in self.refresh:
            self.refresh.pop(token).revoked = True
        else:
            self.access.pop(token, None)  # an access token alone: its grant lives on (RFC 7009 §2.1)
