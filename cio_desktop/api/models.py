"""Small value types the API layer hands to callers: credentials, network settings and call results.

Importing this module is cheap (no httpx); the GUI may import it at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cio_desktop.models import SecretKind

if TYPE_CHECKING:
    from cio_desktop.api.auth import TokenSource
    from cio_desktop.api.exchange import Exchange


class Credentials:
    """The secrets one workspace uses, of any kinds, plus an optional OAuth token source.

    Built from keyword keys (``Credentials(track_api_key=..., app_api_key=...)``, also positionally) or
    from what the keyring returned (``from_secrets``). ``token`` renews itself (``cio_desktop.oauth``): App
    API calls use it as Bearer when no App API key is set. Equal credentials compare and hash equal (the
    token by identity). ``repr``/``str`` say only which kinds are set, never the values.
    """

    __slots__ = ("_values", "token")

    def __init__(
        self,
        track_api_key: str | None = None,
        app_api_key: str | None = None,
        *,
        pipelines_key: str | None = None,
        values: Mapping[SecretKind, str | None] | None = None,
        token: TokenSource | None = None,
    ) -> None:
        merged: dict[SecretKind, str] = {k: v for k, v in (values or {}).items() if v}
        for kind, value in (
            (SecretKind.TRACK_API_KEY, track_api_key),
            (SecretKind.APP_API_KEY, app_api_key),
            (SecretKind.PIPELINES_KEY, pipelines_key),
        ):
            if value:
                merged[kind] = value
        self._values: tuple[tuple[SecretKind, str], ...] = tuple(sorted(merged.items()))
        self.token = token

    @classmethod
    def from_secrets(
        cls, secrets: Mapping[SecretKind, str | None], *, token: TokenSource | None = None
    ) -> Credentials:
        """Build from what ``SecretStore.stored`` returned (empty or missing kinds are left out)."""
        return cls(values=secrets, token=token)

    def get(self, kind: SecretKind) -> str | None:
        """The value stored for ``kind``, or None."""
        return next((v for k, v in self._values if k == kind), None)

    @property
    def kinds(self) -> frozenset[SecretKind]:
        """The kinds that have a value."""
        return frozenset(k for k, _ in self._values)

    @property
    def track_api_key(self) -> str | None:
        return self.get(SecretKind.TRACK_API_KEY)

    @property
    def app_api_key(self) -> str | None:
        return self.get(SecretKind.APP_API_KEY)

    @property
    def pipelines_key(self) -> str | None:
        return self.get(SecretKind.PIPELINES_KEY)

    def only(self, *kinds: SecretKind) -> Credentials:
        """A copy holding just ``kinds`` (and the token when the App API key is among them)."""
        keep = {k: v for k, v in self._values if k in kinds}
        return Credentials(values=keep, token=self.token if SecretKind.APP_API_KEY in kinds else None)

    def secret_values(self) -> list[str]:
        """Every secret value held now (keys and current tokens), for verbatim redaction."""
        values = [v for _, v in self._values]
        if self.token is not None:
            values += self.token.secret_values()
        return values

    def _key(self) -> tuple[object, ...]:
        return (self._values, id(self.token) if self.token is not None else None)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Credentials) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        def state(value: str | None) -> str:
            return "<set>" if value else "<missing>"

        extra = "".join(
            f", {kind.value}=<set>"
            for kind, _ in self._values
            if kind not in (SecretKind.TRACK_API_KEY, SecretKind.APP_API_KEY)
        )
        token = ", token=<set>" if self.token is not None else ""
        return (
            f"Credentials(track_api_key={state(self.track_api_key)}, "
            f"app_api_key={state(self.app_api_key)}{extra}{token})"
        )

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    """How to reach the network: timeouts (seconds), an optional proxy URL and an extra CA bundle (PEM).

    ``ca_file`` here is the global one from the app settings; a workspace's own ``ca_file`` is added on
    top. Certificates from the OS trust store are always trusted (truststore).
    """

    timeout_s: float = 30.0
    connect_timeout_s: float = 10.0
    proxy: str | None = None
    ca_file: str | None = None

    @classmethod
    def from_app_settings(cls, settings: Any) -> NetworkSettings:
        """Take the network fields of ``cio_desktop.settings.AppSettings`` (duck-typed, no import)."""
        return cls(
            timeout_s=float(getattr(settings, "timeout_s", 30.0)),
            connect_timeout_s=float(getattr(settings, "connect_timeout_s", 10.0)),
            proxy=getattr(settings, "proxy", None) or None,
            ca_file=getattr(settings, "ca_file", None) or None,
        )


@dataclass(frozen=True, slots=True)
class ApiResult:
    """A successful call: HTTP ``status``, parsed JSON ``data`` (None for an empty body) and the redacted
    ``exchange`` that was recorded in the history."""

    status: int
    data: Any
    exchange: Exchange

    def get(self, key: str) -> Any:
        """``data[key]`` when the answer is a JSON object holding ``key``, else None."""
        return self.data.get(key) if isinstance(self.data, dict) else None
