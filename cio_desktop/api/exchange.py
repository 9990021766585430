"""The ``Exchange`` record: one request and its answer (or failure), already redacted.

Plain data with a JSON round trip; the history stores it, the inspector shows it, HAR/curl export it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP exchange with Customer.io. Every field is redacted at record time.

    ``timings`` holds milliseconds for ``connect``, ``tls``, ``first_byte`` (request start to response
    headers) and ``total``; connect/tls are 0 when a pooled connection was reused. ``status`` is None and
    ``error`` is the plain-language message when no answer arrived. ``attempt`` counts retries (1 = first
    try). ``operation`` is a short label such as "Identify" or "Person attributes". Bodies longer than the
    history's limit are cut and ``truncated`` is set. ``workspace`` is the name when the call was made,
    ``workspace_id`` the workspace's stable id (empty in records written before it was kept).
    """

    id: str
    workspace: str
    method: str
    url: str
    workspace_id: str = ""
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str | None = None
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    error: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    timings: dict[str, float] = field(default_factory=dict)
    request_size: int = 0
    response_size: int = 0
    operation: str = ""
    api: str = ""
    attempt: int = 1
    http_version: str = "HTTP/1.1"
    truncated: bool = False

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return self.status is not None and 200 <= self.status < 300

    @property
    def total_ms(self) -> float:
        return float(self.timings.get("total", 0.0))

    def to_json_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat()
        return data

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> Exchange:
        """Inverse of ``to_json_dict``; unknown keys are ignored, missing ones take defaults."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if isinstance(known.get("started_at"), str):
            known["started_at"] = datetime.fromisoformat(known["started_at"])
        for key in ("request_headers", "response_headers"):
            if isinstance(known.get(key), dict):
                known[key] = {str(k): str(v) for k, v in known[key].items()}
        if isinstance(known.get("timings"), dict):
            known["timings"] = {str(k): float(v) for k, v in known["timings"].items()}
        return cls(**known)

    def __repr__(self) -> str:
        return f"Exchange({self.id} {self.method} {self.url} -> {self.status or self.error})"
