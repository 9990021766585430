"""The ``Exchange`` record: one request and its answer (or failure), already redacted.

Plain data with a JSON round trip; the history stores it, the inspector shows it, HAR/curl export it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

TIMING_KEYS = ("connect", "tls", "first_byte", "total")


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP exchange with Customer.io. Every field is redacted at record time.

    ``timings`` holds milliseconds for ``connect``, ``tls``, ``first_byte`` (request start to response
    headers) and ``total``; connect/tls are 0 when a pooled connection was reused. ``status`` is None and
    ``error`` is the plain-language message when no answer arrived. ``attempt`` counts retries (1 = first
    try). ``operation`` is a short label such as "Identify" or "Person attributes". Bodies longer than the
    history's limit are cut and ``truncated`` is set.
    """

    id: str
    workspace: str
    method: str
    url: str
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
        """Inverse of ``to_json_dict``; unknown keys are ignored, missing ones take defaults.

        Loading 100,000 records runs this 100,000 times: values already of the right type (what this
        app writes) are taken as they are, only others are converted.
        """
        known = dict(data) if data.keys() <= _FIELDS else {k: v for k, v in data.items() if k in _FIELDS}
        if isinstance(known.get("started_at"), str):
            known["started_at"] = datetime.fromisoformat(known["started_at"])
        for key in ("request_headers", "response_headers"):
            headers = known.get(key)
            if isinstance(headers, dict) and not _all_text(headers):
                known[key] = {str(k): str(v) for k, v in headers.items()}
        timings = known.get("timings")
        if isinstance(timings, dict) and not all(type(v) is float for v in timings.values()):
            known["timings"] = {str(k): float(v) for k, v in timings.items()}
        return cls(**known)

    def __repr__(self) -> str:
        return f"Exchange({self.id} {self.method} {self.url} -> {self.status or self.error})"


_FIELDS = frozenset(Exchange.__dataclass_fields__)


def _all_text(mapping: dict[Any, Any]) -> bool:
    return all(type(k) is str and type(v) is str for k, v in mapping.items())
