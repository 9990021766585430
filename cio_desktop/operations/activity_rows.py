"""One line per activity for the live stream: when, who, what type, which name, and a summary in words.

Plain Python over the App API's activity dicts (no Qt, no I/O); the stream panel only renders and filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Words for the activity types a support person meets most; others are shown as they come.
TYPE_WORDS = {
    "event": "Event",
    "page": "Page view",
    "screen": "Screen view",
    "attribute_change": "Attribute change",
    "profile_create": "Profile created",
    "sent_email": "Email sent",
    "delivered_email": "Email delivered",
    "opened_email": "Email opened",
    "clicked_email": "Email clicked",
    "anon_merge": "Anonymous activity merged",
}
MAX_SUMMARY = 120


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """What the stream shows for one activity; ``lookup`` is what to search to open the person."""

    id: str
    when: datetime | None
    person: str
    type: str
    name: str
    summary: str
    lookup: str | None
    raw: Mapping[str, Any]

    @property
    def type_words(self) -> str:
        return TYPE_WORDS.get(self.type, self.type.replace("_", " ").capitalize() or "Unknown")

    def matches(self, *, type_: str = "", name: str = "", person: str = "") -> bool:
        """The filters: an exact type ("" for all), and text found in the name or person (any case)."""
        if type_ and self.type != type_:
            return False
        if name and name.casefold() not in self.name.casefold():
            return False
        return not person or person.casefold() in self.person.casefold()


def _clip(text: str) -> str:
    text = " ".join(text.split())  # one line: no line breaks or tabs from the data
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"


def _person(item: Mapping[str, Any]) -> tuple[str, str | None]:
    ids = item.get("customer_identifiers")
    ids = ids if isinstance(ids, Mapping) else {}
    for key in ("email", "id"):
        value = ids.get(key) or (item.get("customer_id") if key == "id" else None)
        if value:
            return str(value), str(value)
    if ids.get("cio_id"):
        return f"cio_{ids['cio_id']}", f"cio_{ids['cio_id']}"
    if item.get("anonymous_id"):
        return f"anonymous ({item['anonymous_id']})", None
    return "(nobody)", None


def _value(value: Any) -> str:
    if isinstance(value, Mapping) and {"from", "to"} <= set(value):
        return f"{value['from']} → {value['to']}"
    if isinstance(value, str | int | float | bool) or value is None:
        return str(value)
    return "…"


def _summary(item: Mapping[str, Any]) -> str:
    kind = str(item.get("type") or "")
    data = item.get("data")
    data = data if isinstance(data, Mapping) else {}
    if kind == "attribute_change":
        return ", ".join(f"{k}: {_value(v)}" for k, v in data.items()) or "an attribute changed"
    if kind.endswith("_email") or item.get("delivery_type"):
        parts = [w for w in ("opened", "clicked") if data.get(w)]
        return " and ".join(parts).capitalize() if parts else "Not opened (yet)"
    return ", ".join(f"{k}: {_value(v)}" for k, v in data.items() if v not in (None, ""))


def row_for(item: Mapping[str, Any]) -> ActivityRow:
    """The row for one activity of ``GET /v1/activities``."""
    stamp = item.get("timestamp")
    when = (
        datetime.fromtimestamp(stamp).astimezone() if isinstance(stamp, int | float) and stamp > 0 else None
    )
    person, lookup = _person(item)
    name = str(item.get("name") or "")
    return ActivityRow(
        id=str(item.get("id") or ""),
        when=when,
        person=_clip(person),
        type=str(item.get("type") or ""),
        name=_clip(name),
        summary=_clip(_summary(item)),
        lookup=lookup,
        raw=item,
    )


def time_text(when: datetime | None, now: datetime | None = None) -> str:
    """'14:03:12' today, '28 Nov 14:03' on another day, '' when unknown (local time)."""
    if when is None:
        return ""
    now = now or datetime.now().astimezone()
    return (
        when.strftime("%H:%M:%S") if when.date() == now.date() else f"{when.day} {when.strftime('%b %H:%M')}"
    )
