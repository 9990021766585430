"""Customer lookup helpers with no Qt: guess the identifier kind from what was typed, present values.

Not responsible for calling the API (``cio_desktop.api`` does) or for any widget (``ui/panels``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cio_desktop.json_check import MAX_DEPTH, clip_depth
from cio_desktop.time_display import format_moment

if TYPE_CHECKING:
    from cio_desktop.api.paths import IdType


class IdentifierKind(StrEnum):
    """How a person is addressed in the App API (the ``id_type`` query value)."""

    ID = "id"
    EMAIL = "email"
    CIO_ID = "cio_id"

    @property
    def label(self) -> str:
        """Plain words for the kind, for labels and hints."""
        return _LABELS[self]

    @property
    def id_type(self) -> IdType:
        """The API's ``id_type`` for this kind, typed for ``cio_desktop.api`` calls."""
        return _ID_TYPES[self]


_LABELS = {
    IdentifierKind.ID: "ID (your own customer id)",
    IdentifierKind.EMAIL: "Email address",
    IdentifierKind.CIO_ID: "cio_id (Customer.io's internal id)",
}

_ID_TYPES: dict[IdentifierKind, IdType] = {
    IdentifierKind.ID: "id",
    IdentifierKind.EMAIL: "email",
    IdentifierKind.CIO_ID: "cio_id",
}

# The kind as a noun inside a sentence ("the email address …", "Found by ID: …").
_NOUNS = {
    IdentifierKind.ID: "ID",
    IdentifierKind.EMAIL: "email address",
    IdentifierKind.CIO_ID: "cio_id",
}

_CIO_PREFIX = "cio_"


@dataclass(frozen=True, slots=True)
class LookupQuery:
    """What to look up: the cleaned value and how to address the person."""

    value: str
    kind: IdentifierKind


def detect_kind(text: str) -> IdentifierKind | None:
    """The identifier kind ``text`` most likely is, or ``None`` when nothing was typed.

    An ``@`` means an email, a ``cio_`` prefix means a cio_id, anything else is an id.
    """
    value = text.strip()
    if not value:
        return None
    if "@" in value:
        return IdentifierKind.EMAIL
    if value.lower().startswith(_CIO_PREFIX) and len(value) > len(_CIO_PREFIX):
        return IdentifierKind.CIO_ID
    return IdentifierKind.ID


def build_query(text: str, kind: IdentifierKind | None = None) -> LookupQuery | None:
    """A cleaned query for ``text``: ``kind`` overrides detection; ``None`` when nothing was typed.

    A cio_id loses its ``cio_`` prefix (the App API's ``id_type=cio_id`` takes the bare value).
    """
    value = text.strip()
    detected = kind or detect_kind(value)
    if detected is None:
        return None
    if detected is IdentifierKind.CIO_ID and value.lower().startswith(_CIO_PREFIX):
        value = value[len(_CIO_PREFIX) :]
    if not value:
        return None
    return LookupQuery(value=value, kind=detected)


# Unix seconds between 2001-09-09 and 2286-11-20: a 10-digit number that is very likely a timestamp.
_TS_MIN = 1_000_000_000
_TS_MAX = 9_999_999_999


def as_timestamp(name: str, value: object) -> datetime | None:
    """The date ``value`` stands for when attribute ``name`` holds a unix timestamp, else ``None``.

    App API attribute values are strings, so ``"1489014595"`` counts; milliseconds are accepted; names
    that hold identifiers (``id``, ``*_id``, ``phone``) are never turned into dates.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and re.fullmatch(r"\d{9,13}(\.\d+)?", value.strip()):
        number = float(value.strip())
    else:
        return None
    if number > 100_000_000_000:  # milliseconds
        number = number / 1000
    lowered = name.lower()
    id_like = lowered in ("id", "cio_id", "phone") or lowered.endswith("_id")
    if not _TS_MIN <= number <= _TS_MAX or id_like:
        return None
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def format_datetime(moment: datetime) -> str:
    """A date a person reads easily, always with its zone: ``2026-11-26 12:03:04 CET`` (see time_display)."""
    return format_moment(moment)


def display_value(value: Any) -> str:
    """One line of text for any JSON value (objects and lists as compact JSON)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except RecursionError:
        return json.dumps(clip_depth(value, MAX_DEPTH), ensure_ascii=False, sort_keys=True)


def pretty_json(value: Any) -> str:
    """Indented JSON for the raw view (non-JSON values fall back to ``str``)."""
    try:
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    except RecursionError:  # deeper than the encoder can walk: show the first MAX_DEPTH levels
        return json.dumps(
            clip_depth(value, MAX_DEPTH), ensure_ascii=False, indent=2, sort_keys=True, default=str
        )


def empty_state_hint(example_id: str | None = None, example_email: str | None = None) -> str:
    """What to type, in plain words, for the empty lookup panel."""
    lines = [
        "Type who you are looking for and press Enter:",
        "  • an email address (for example ana@example.com)",
        "  • your own customer ID (the id your app sends to Customer.io)",
        "  • a cio_id, Customer.io's own id: type cio_ in front of it (cio_a3000001 for a3000001)",
    ]
    if example_id or example_email:
        shown = " or ".join(v for v in (example_id, example_email) if v)
        lines.append(f"In the practice workspace, try {shown}.")
    return "\n".join(lines)


def no_match_message(query: LookupQuery) -> str:
    """The friendly message when nobody matches ``query``."""
    what = _NOUNS[query.kind]
    tip = {
        IdentifierKind.EMAIL: "Check the spelling, or search by their ID instead.",
        IdentifierKind.CIO_ID: "Check the spelling, or search by their email address or ID instead.",
        IdentifierKind.ID: "Check the spelling (IDs are case-sensitive). "
        "If this is an email or a cio_id, choose that under “Search by”.",
    }[query.kind]
    return f"Nobody in this workspace has the {what} “{query.value}”. {tip}"


def found_message(searched: LookupQuery, resolved: LookupQuery) -> str:
    """How the person on screen was found, in words (an email resolves to a cio_id behind the scenes)."""
    if searched.kind is IdentifierKind.ID and resolved.kind is IdentifierKind.CIO_ID:
        return f"Nobody has the ID “{searched.value}”, but someone has it as their cio_id: showing them."
    what = _NOUNS[searched.kind]
    return f"Found by {what}: {searched.value}"
