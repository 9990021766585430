"""The sandbox's start options and the connection facts it reports once it is listening.

Plain data only (no aiohttp import), so the CLI parser and the GUI can use it cheaply.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    """True when ``host`` names this machine only (127.0.0.0/8, ::1 or localhost)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class SandboxOptions:
    """How to start a sandbox.

    ``port=0`` picks a free port. ``rate_limit`` is the App API limit in requests per second per key
    (``None`` turns it off). ``wrong_region`` decides how the other region's face answers: ``"redirect"``
    (307 to the right face, the documented behaviour) or ``"401"``. ``seed`` shapes the demo data; the
    keys are random unless ``key_seed`` asks for repeatable ones. ``clock`` fixes "now" (unix seconds)
    for the demo data; by default the demo data is anchored at the start of the current UTC day.
    ``trickle`` (seconds) records one realistic activity about that often (``None``: off), so a live
    activity stream has something to show (the practice workspace turns it on).
    """

    host: str = "127.0.0.1"
    port: int = 0
    tls: bool = False
    state_dir: str | None = None
    seed: int = 1
    key_seed: int | None = None
    faults: tuple[str, ...] = ()
    region: Literal["us", "eu"] = "us"
    wrong_region: Literal["redirect", "401"] = "redirect"
    allow_remote: bool = False
    rate_limit: float | None = 10.0
    people: int = 300
    clock: int | None = None
    trickle: float | None = None

    def replace(self, **changes: Any) -> SandboxOptions:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class SandboxInfo:
    """What a client needs to talk to a running sandbox.

    ``track_url`` and ``app_url`` are host roots (``http://127.0.0.1:PORT``): append ``/api/v1`` or
    ``/api/v2`` for Track and ``/v1`` for the App API, exactly as after ``https://track.customer.io`` and
    ``https://api.customer.io``. ``track_url_other``/``app_url_other`` are the other region's face.
    ``pipelines_url`` is the Pipelines base without ``/v1`` (``http://127.0.0.1:PORT/cdp``, like
    ``https://cdp.customer.io``); ``pipelines_write_key`` is the source's classic write key.
    The keys are fake but still kept out of ``repr``.
    """

    track_url: str
    app_url: str
    site_id: str
    track_api_key: str = field(repr=False)
    app_api_key: str = field(repr=False)
    region: str
    workspace_id: int
    ca_file: str | None = None
    track_url_other: str = ""
    app_url_other: str = ""
    other_region: str = ""
    pipelines_url: str = ""
    pipelines_write_key: str = field(default="", repr=False)
    issuer_url: str = ""  # the sandbox's OAuth authorization server (RFC 8414 metadata under it)
    mcp_url: str = ""  # its MCP endpoint (a protected resource, RFC 9728)

    def to_json_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict (the line ``cio-desktop sandbox`` prints)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> SandboxInfo:
        """Rebuild from :meth:`to_json_dict` output; unknown keys are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
