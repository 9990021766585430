"""Who did what: a person's own actions versus messages sent to them, their name and when they were last seen.

Plain Python over the App API's activity and message dicts (no Qt, no I/O), so the lookup view only renders.
Customer.io mixes three kinds of activity in one list; a support person asks "did *she* do something?"
separately from "did *we* send her something?".
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from cio_desktop.lookup_query import as_timestamp
from cio_desktop.time_display import ago, format_moment


class Side(enum.Enum):
    """Which side an activity belongs to; the value is the filter's label."""

    THEIRS = "Their own actions"
    TO_THEM = "Messages sent to them"
    PROFILE = "Profile changes"


# Delivery verbs: what Customer.io did with a message (``sent_email``, ``bounced_push``...).
_DELIVERY = {"sent", "delivered", "bounced", "failed", "dropped", "drafted", "attempted", "undeliverable"}
# Engagement verbs: what the person did with a message (``opened_email``, ``clicked_push``...).
_ENGAGEMENT = {"opened", "clicked", "converted", "unsubscribed", "spammed", "topic"}
_THEIR_OWN = {"event", "page", "screen", "failed_event"}
_NOT_A_CHANNEL = {"event", "attribute_change"}


def side_of(kind: str) -> Side:
    """``event``/``page``/``screen`` and opening or clicking a message are the person's own actions;
    sending, delivering or bouncing one is a message to them; everything else changes the profile."""
    if kind in _THEIR_OWN:
        return Side.THEIRS
    if kind == "webhook_event":  # a webhook a campaign fired about them
        return Side.TO_THEM
    verb, _, channel = kind.partition("_")
    if channel and channel not in _NOT_A_CHANNEL:
        if verb in _DELIVERY:
            return Side.TO_THEM
        if verb in _ENGAGEMENT:
            return Side.THEIRS
    return Side.PROFILE


def person_name(attributes: Mapping[str, Any]) -> str | None:
    """The person's name from ``name`` or ``first_name``/``last_name`` attributes, when there is one."""
    name = str(attributes.get("name") or "").strip()
    if name:
        return name
    parts = [str(attributes.get(key) or "").strip() for key in ("first_name", "last_name")]
    return " ".join(p for p in parts if p) or None


def _moment(item: Mapping[str, Any], key: str) -> datetime | None:
    return as_timestamp("timestamp", item.get(key))


def newest(activities: Iterable[Mapping[str, Any]], side: Side) -> tuple[Mapping[str, Any], datetime] | None:
    """The newest activity of ``side`` with a usable timestamp, and that time."""
    found: tuple[Mapping[str, Any], datetime] | None = None
    for activity in activities:
        moment = _moment(activity, "timestamp")
        if moment is None or side_of(str(activity.get("type") or "")) is not side:
            continue
        if found is None or moment > found[1]:
            found = (activity, moment)
    return found


def _newest_message(messages: Iterable[Mapping[str, Any]]) -> datetime | None:
    stamps = [m for m in (_moment(message, "created") for message in messages) if m is not None]
    return max(stamps, default=None)


def last_seen_line(
    activities: Iterable[Mapping[str, Any]],
    messages: Iterable[Mapping[str, Any]],
    *,
    label: Any,
    complete: bool,
    now: datetime | None = None,
) -> str:
    """``Last activity: Page view 3 hours ago (2026-11-26 12:03:04 CET) · Last message to them: …``.

    ``label`` turns an activity type into words; ``complete`` is False when only some activity types were
    loaded (a type filter), so "none" is not claimed for types that were not asked for.
    """
    now = now or datetime.now(UTC)
    items = list(activities)
    parts = []
    own = newest(items, Side.THEIRS)
    if own is not None:
        activity, moment = own
        what = label(str(activity.get("type") or ""))
        name = f" “{activity['name']}”" if activity.get("name") else ""
        parts.append(f"Last activity: {what}{name}, {ago(moment, now)} ({format_moment(moment)})")
    elif complete:
        parts.append("Last activity: none of their own in the last 30 days")
    sent = newest(items, Side.TO_THEM)
    candidates = [m for m in (sent[1] if sent else None, _newest_message(messages)) if m is not None]
    if candidates:
        moment = max(candidates)
        parts.append(f"Last message to them: {ago(moment, now)} ({format_moment(moment)})")
    return "   ·   ".join(parts)


def is_same_person(identifiers: Mapping[str, Any], value: str, id_type: str) -> bool:
    """True when ``value`` (addressed as ``id_type``: id, email or cio_id) names the person with
    ``identifiers``; emails compare without case."""
    known = identifiers.get(id_type)
    if known is None or not value:
        return False
    if id_type == "email":
        return str(known).casefold() == value.casefold()
    return str(known) == value
