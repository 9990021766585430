"""Small value types the API layer hands to callers: credentials, network settings and call results.

Importing this module is cheap (no httpx); the GUI may import it at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cio_desktop.models import SecretKind

if TYPE_CHECKING:
    from cio_desktop.api.exchange import Exchange


@dataclass(frozen=True, slots=True)
class Credentials:
    """The secrets one workspace uses. ``repr``/``str`` say only which ones are set, never the values."""

    track_api_key: str | None = field(default=None, repr=False)
    app_api_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_secrets(cls, secrets: Mapping[SecretKind, str | None]) -> Credentials:
        """Build from what ``SecretStore``/``load_credentials`` returned (missing kinds become None)."""
        return cls(
            track_api_key=secrets.get(SecretKind.TRACK_API_KEY) or None,
            app_api_key=secrets.get(SecretKind.APP_API_KEY) or None,
        )

    def secret_values(self) -> list[str]:
        """Every secret value held, for verbatim redaction."""
        return [v for v in (self.track_api_key, self.app_api_key) if v]

    def __repr__(self) -> str:
        def state(value: str | None) -> str:
            return "<set>" if value else "<missing>"

        return (
            f"Credentials(track_api_key={state(self.track_api_key)}, app_api_key={state(self.app_api_key)})"
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
