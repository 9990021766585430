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
    def from_json_dict(cls, data: Any) -> Exchange:
        """Inverse of ``to_json_dict``; unknown keys are ignored, missing ones take defaults.

        Raises ``ValueError`` for anything that is not a record of the right shape (not an object, a
        field of the wrong type, a time without a zone): the history file is hand-editable, and one bad
        line must never reach the code that sorts, filters or shows records.
        """
        if not isinstance(data, dict):
            raise ValueError(f"a history record is a JSON object, not {type(data).__name__}")
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("id", "workspace", "method", "url"):
            if not isinstance(known.get(key), str):
                raise ValueError(f"history field {key!r} must be text")
        for key in _OPTIONAL_TEXT:
            if key in known and known[key] is not None and not isinstance(known[key], str):
                raise ValueError(f"history field {key!r} must be text or null")
        for key in _PLAIN_TEXT:
            if key in known and not isinstance(known[key], str):
                raise ValueError(f"history field {key!r} must be text")
        for key in ("request_size", "response_size", "attempt"):
            if key in known and (type(known[key]) is not int):
                raise ValueError(f"history field {key!r} must be a whole number")
        status = known.get("status")
        if status is not None and type(status) is not int:
            raise ValueError("history field 'status' must be a whole number or null")
        if "truncated" in known and not isinstance(known["truncated"], bool):
            raise ValueError("history field 'truncated' must be true or false")
        if "started_at" in known:
            if not isinstance(known["started_at"], str):
                raise ValueError("history field 'started_at' must be an ISO time")
            started = datetime.fromisoformat(known["started_at"])
            if started.tzinfo is None:  # naive and aware times cannot be sorted together
                raise ValueError("history field 'started_at' has no time zone")
            known["started_at"] = started
        for key in ("request_headers", "response_headers"):
            if key in known:
                if not isinstance(known[key], dict):
                    raise ValueError(f"history field {key!r} must be an object")
                known[key] = {str(k): _scalar_text(v, key) for k, v in known[key].items()}
        if "timings" in known:
            if not isinstance(known["timings"], dict):
                raise ValueError("history field 'timings' must be an object")
            known["timings"] = {str(k): _number(v) for k, v in known["timings"].items()}
        return cls(**known)

    def __repr__(self) -> str:
        return f"Exchange({self.id} {self.method} {self.url} -> {self.status or self.error})"


_OPTIONAL_TEXT = ("request_body", "response_body", "error")
_PLAIN_TEXT = ("operation", "api", "http_version")


def _scalar_text(value: Any, field_name: str) -> str:
    """A header value read back from the file: text, or a number/bool written by hand (kept as text)."""
    if isinstance(value, (str, int, float, bool)):
        return str(value)
    raise ValueError(f"history field {field_name!r} holds a {type(value).__name__}, not text")


def _number(value: Any) -> float:
    """A timing read back from the file: a finite number of milliseconds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("history timings must be numbers")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("history timings must be finite")
    return number
