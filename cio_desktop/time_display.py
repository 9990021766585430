"""How times are shown to people: local time with its zone name (or UTC, by setting), and "3 hours ago".

Plain Python, no Qt. The zone is a process-wide display preference: ``set_display_zone`` is called when the
settings are loaded or saved, and every formatter below follows it, so a table, a tooltip and a header line
never disagree. Times without a zone are never shown: "12:03" alone cannot be compared across offices.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

DisplayZone = Literal["local", "utc"]
DISPLAY_ZONES: tuple[DisplayZone, ...] = ("local", "utc")
_FORMAT = "%Y-%m-%d %H:%M:%S"
_zone: DisplayZone = "local"


def set_display_zone(zone: DisplayZone) -> None:
    """Show times in the computer's local zone (``local``) or in ``utc`` from now on."""
    global _zone
    _zone = zone if zone in DISPLAY_ZONES else "local"


def display_zone() -> DisplayZone:
    return _zone


def zone_name(moment: datetime) -> str:
    """``CET``, ``UTC``, or ``UTC+05:30`` when the system has only a numeric name for the zone."""
    name = moment.tzname() or ""
    if name.isalpha():
        return name
    offset = moment.utcoffset()
    if offset is None:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def format_moment(moment: datetime, zone: DisplayZone | None = None) -> str:
    """``2026-11-26 12:03:04 CET`` (local) or ``2026-11-26 11:03:04 UTC``; a naive time counts as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    shown = moment.astimezone(UTC) if (zone or _zone) == "utc" else moment.astimezone()
    return f"{shown.strftime(_FORMAT)} {zone_name(shown)}"


def other_zone(moment: datetime) -> str:
    """The same moment in the zone not chosen (for a tooltip): UTC when local is shown, else local."""
    return format_moment(moment, "local" if _zone == "utc" else "utc")


def ago(moment: datetime, now: datetime | None = None) -> str:
    """``just now``, ``5 minutes ago``, ``3 hours ago``, ``2 days ago`` (``in the future`` for clock skew)."""
    now = now or datetime.now(UTC)
    seconds = (now - moment).total_seconds()
    if seconds < -60:
        return "in the future (check the computer's clock)"
    if seconds < 60:
        return "just now"
    for size, unit in ((86400 * 30, "month"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"  # unreachable: the minute branch always matches here


def format_clock(moment: datetime) -> str:
    """Just the time of day with its zone, ``12:03:04 CET``, for places where the day is obvious."""
    return format_moment(moment).split(" ", 1)[1]
