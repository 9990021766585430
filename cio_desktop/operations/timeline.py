"""A person's timeline: their activities and the messages sent to them as marks on a time axis.

Each mark is one thing at one moment: an event (or page/screen view), a profile change, or a message
being sent, delivered, opened or clicked (one message gives up to four marks, from its ``metrics``).
Plain Python over the App API's activity and message dicts (no Qt, no I/O); the lookup panel's timeline
only draws these. Zoom levels run from a day to a year.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cio_desktop.person_activity import side_of
from cio_desktop.time_display import format_moment


class MarkKind(enum.Enum):
    """What a mark stands for; the value is the row's label (rows are drawn in this order)."""

    EVENT = "Events and page views"
    PROFILE = "Profile changes"
    SENT = "Messages sent"
    DELIVERED = "Delivered"
    OPENED = "Opened"
    CLICKED = "Clicked"


# (label, span) from the closest zoom to the widest.
ZOOMS: tuple[tuple[str, timedelta], ...] = (
    ("Day", timedelta(days=1)),
    ("Week", timedelta(days=7)),
    ("Month", timedelta(days=31)),
    ("Quarter", timedelta(days=92)),
    ("Year", timedelta(days=366)),
)
_THEIR_OWN = {"event", "page", "screen"}
_VERBS = {
    "sent": MarkKind.SENT,
    "delivered": MarkKind.DELIVERED,
    "opened": MarkKind.OPENED,
    "clicked": MarkKind.CLICKED,
}


@dataclass(frozen=True, slots=True)
class Mark:
    """One mark: when, what kind, a short title, one line of detail, and the JSON it came from."""

    when: datetime
    kind: MarkKind
    title: str
    detail: str
    raw: Mapping[str, Any]
    type: str = ""  # the activity type it stands for (``opened_email`` for a message's open)

    def describe(self) -> str:
        """The words a hover or the keyboard shows: 'Opened · “Welcome” · 2026-12-01 14:03:00 CET', then
        whose doing it was (``person_activity.side_of``) and the detail."""
        parts = [
            self.kind.value if self.kind is not MarkKind.EVENT else "Event",
            self.title,
            format_moment(self.when),
        ]
        who = side_of(self.type).value if self.type else ""
        second = " — ".join(p for p in (who, self.detail) if p)
        return " · ".join(p for p in parts if p) + (f"\n{second}" if second else "")


def _moment(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def kind_of_activity(kind: str) -> MarkKind:
    """An activity type's mark: events/pages/screens, a message verb (``opened_email``), else a change."""
    if kind in _THEIR_OWN:
        return MarkKind.EVENT
    verb, _, channel = kind.partition("_")
    if channel and verb in _VERBS:
        return _VERBS[verb]
    return MarkKind.PROFILE


def _data_line(data: Any) -> str:
    if not isinstance(data, Mapping):
        return ""
    parts = []
    for key, value in list(data.items())[:4]:
        if isinstance(value, Mapping) and {"from", "to"} <= set(value):
            parts.append(f"{key}: {value['from']} → {value['to']}")
        elif isinstance(value, str | int | float | bool):
            parts.append(f"{key}: {value}")
    return ", ".join(parts)


def marks_for(activities: Iterable[Mapping[str, Any]], messages: Iterable[Mapping[str, Any]]) -> list[Mark]:
    """Every mark of a person, oldest first. A message's sent/delivered/opened/clicked come from its
    metrics; an activity about a message listed in ``messages`` is left out (it would be a double)."""
    marks: list[Mark] = []
    listed: set[str] = set()
    for message in messages:
        listed.add(str(message.get("id") or ""))
        metrics = message.get("metrics")
        metrics = metrics if isinstance(metrics, Mapping) else {}
        subject = str(message.get("subject") or message.get("type") or "message")
        channel = str(message.get("type") or "message")
        for verb, kind in _VERBS.items():
            when = _moment(metrics.get(verb))
            if when is not None:
                to = f"{channel} to {message.get('recipient') or '?'}"
                marks.append(Mark(when, kind, f"“{subject}”", to, message, f"{verb}_{channel}"))
    for activity in activities:
        when = _moment(activity.get("timestamp"))
        if when is None:
            continue
        if activity.get("delivery_id") and str(activity["delivery_id"]) in listed:
            continue
        kind_text = str(activity.get("type") or "")
        kind = kind_of_activity(kind_text)
        title = str(activity.get("name") or kind_text.replace("_", " "))
        marks.append(Mark(when, kind, title, _data_line(activity.get("data")), activity, kind_text))
    marks.sort(key=lambda m: m.when)
    return marks


def window(span: timedelta, marks: list[Mark], now: datetime | None = None) -> tuple[datetime, datetime]:
    """The time range a zoom shows: ``span`` ending now (or at the newest mark, if that is later)."""
    end = now or datetime.now(UTC)
    if marks and marks[-1].when > end:
        end = marks[-1].when
    return end - span, end


def in_window(marks: list[Mark], start: datetime, end: datetime) -> list[Mark]:
    return [m for m in marks if start <= m.when <= end]


def zoom_for(marks: list[Mark], now: datetime | None = None) -> int:
    """The closest zoom that shows the newest marks well: the smallest span holding at least 10 marks
    (or all of them), so the first view is neither empty nor a smear."""
    end = now or datetime.now(UTC)
    for index, (_label, span) in enumerate(ZOOMS):
        shown = sum(1 for m in marks if end - span <= m.when)
        if shown >= min(10, len(marks)):
            return index
    return len(ZOOMS) - 1
