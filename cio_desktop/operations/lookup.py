"""Look a person up: resolve the query, then load the profile (the lookup panel and ``cio-desktop lookup``).

Plain asyncio over ``CioClient.app``; no Qt. An email that matches several people yields the list to
choose from; nobody matching is an outcome, not an error; an id not found that has a cio_id's shape is
tried as a cio_id. Other failures raise ``ApiError`` (the profile itself) or are kept per section
(segments, activities, messages) so the rest still shows.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cio_desktop.customer_record import CustomerRecord
from cio_desktop.errors import CioDesktopError
from cio_desktop.lookup_query import (
    IdentifierKind,
    LookupQuery,
    as_timestamp,
    display_value,
    format_datetime,
)

if TYPE_CHECKING:
    from cio_desktop.api.client import CioClient
    from cio_desktop.api.models import ApiResult

ACTIVITY_PAGE_SIZE = 20
_CIO_ID_SHAPE = re.compile(r"^[0-9a-fA-F]{8,}$")
MESSAGE_PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Match:
    """One person an email matched: their identifiers (any may be None but cio_id)."""

    cio_id: str
    id: str | None = None
    email: str | None = None

    def label(self) -> str:
        """``ID ana-001 · ana@example.com · cio_id 0300…``, for the choice list."""
        parts = [f"ID {self.id}" if self.id else "no ID", self.email or "no email", f"cio_id {self.cio_id}"]
        return " · ".join(parts)

    def query(self) -> LookupQuery:
        """How to address this person exactly (by cio_id)."""
        return LookupQuery(value=self.cio_id, kind=IdentifierKind.CIO_ID)


@dataclass(frozen=True, slots=True)
class NoMatch:
    """Nobody has the identifier that was searched."""

    query: LookupQuery


@dataclass(frozen=True, slots=True)
class SeveralMatches:
    """An email matched more than one person: the user picks one."""

    query: LookupQuery
    matches: tuple[Match, ...]


@dataclass(frozen=True, slots=True)
class ActivityPage:
    """A page of activities (newest first) and the cursor to the next one (None at the end)."""

    items: list[dict[str, Any]]
    next: str | None


@dataclass(slots=True)
class CustomerProfile(CustomerRecord):
    """Everything shown about one person. ``problems`` names sections that failed to load."""

    query: LookupQuery
    customer: dict[str, Any]
    segments: list[dict[str, Any]] = field(default_factory=list)
    activities: ActivityPage = field(default_factory=lambda: ActivityPage([], None))
    messages: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, CioDesktopError] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        """The profile for ``--json`` output; ``problems`` names the sections that could not be read."""
        return {
            "identifier": self.query.value,
            "id_type": self.query.kind.id_type,
            "identifiers": self.identifiers,
            "attributes": self.attributes,
            "unsubscribed": bool(self.customer.get("unsubscribed")),
            "devices": self.devices,
            "segments": self.segments,
            "activities": self.activities.items,
            "activities_next": self.activities.next,
            "messages": self.messages,
            "problems": {name: exc.message for name, exc in self.problems.items()},
        }

    @property
    def display_name(self) -> str:
        """The best short name for the header: email, else id, else cio_id."""
        ids = self.identifiers
        return str(ids.get("email") or ids.get("id") or ids.get("cio_id") or self.query.value)


Outcome = CustomerProfile | NoMatch | SeveralMatches


def _dict(result: ApiResult) -> dict[str, Any]:
    return result.data if isinstance(result.data, dict) else {}


def _list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _newest_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(item: dict[str, Any]) -> float:
        stamp = item.get("timestamp", item.get("created", 0))
        try:
            return float(stamp)
        except (TypeError, ValueError):
            return 0.0

    return sorted(items, key=key, reverse=True)


async def resolve(client: CioClient, query: LookupQuery) -> LookupQuery | NoMatch | SeveralMatches:
    """Turn an email into the one person's cio_id (ids and cio_ids pass through unchanged)."""
    if query.kind is not IdentifierKind.EMAIL:
        return query
    data = _dict(await client.app.find_by_email(query.value))
    matches = tuple(
        Match(cio_id=str(item["cio_id"]), id=item.get("id"), email=item.get("email"))
        for item in _list(data, "results")
        if item.get("cio_id")
    )
    if not matches:
        return NoMatch(query)
    if len(matches) > 1:
        return SeveralMatches(query, matches)
    return matches[0].query()


async def look_up(
    client: CioClient,
    query: LookupQuery,
    *,
    activity_type: str | None = None,
    try_cio_id: bool = False,
    activity_limit: int = ACTIVITY_PAGE_SIZE,
) -> Outcome:
    """Resolve ``query`` and load the whole profile. Raises ``ApiError`` if the person cannot be read.

    ``try_cio_id``: when an id is not found but has a cio_id's shape (8+ hex digits), try it as a cio_id;
    the profile's ``query`` then says how the person was found.
    """
    from cio_desktop.api.errors import NotFoundError

    resolved = await resolve(client, query)
    if not isinstance(resolved, LookupQuery):
        return resolved
    id_type = resolved.kind.id_type
    try:
        attributes = await client.app.attributes(resolved.value, id_type=id_type)
    except NotFoundError:
        if not (try_cio_id and resolved.kind is IdentifierKind.ID and _CIO_ID_SHAPE.match(resolved.value)):
            return NoMatch(query)
        # A bare cio_id (no "cio_" prefix) looks like an id: try it as a cio_id before giving up.
        resolved = LookupQuery(value=resolved.value, kind=IdentifierKind.CIO_ID)
        id_type = resolved.kind.id_type
        try:
            attributes = await client.app.attributes(resolved.value, id_type=id_type)
        except NotFoundError:
            return NoMatch(query)
    data = _dict(attributes)
    customer = data.get("customer") if isinstance(data.get("customer"), dict) else {}
    profile = CustomerProfile(query=resolved, customer=dict(customer or {}), raw={"attributes": data})

    async def section(name: str, fetch: Any) -> None:
        try:
            result = await fetch
        except CioDesktopError as exc:
            profile.problems[name] = exc
            return
        body = _dict(result)
        profile.raw[name] = body
        if name == "segments":
            profile.segments = _list(body, "segments")
        elif name == "messages":
            profile.messages = _newest_first(_list(body, "messages"))
        else:
            profile.activities = _activity_page(body)

    app = client.app
    await asyncio.gather(
        section("segments", app.segments(resolved.value, id_type=id_type)),
        section(
            "activities",
            app.activities(
                resolved.value,
                id_type=id_type,
                limit=max(1, min(100, activity_limit)),
                type=activity_type or None,
            ),
        ),
        section(
            "messages",
            app.messages(resolved.value, id_type=id_type, limit=MESSAGE_PAGE_SIZE),
        ),
    )
    return profile


async def more_activities(
    client: CioClient, query: LookupQuery, *, start: str | None, activity_type: str | None = None
) -> ActivityPage:
    """The next page of activities after cursor ``start`` (or the first page when ``start`` is None)."""
    result = await client.app.activities(
        query.value,
        id_type=query.kind.id_type,
        start=start,
        limit=ACTIVITY_PAGE_SIZE,
        type=activity_type or None,
    )
    body = _dict(result)
    return _activity_page(body)


def _activity_page(body: dict[str, Any]) -> ActivityPage:
    """One activities answer as a page: its activities newest first, and its ``next`` cursor."""
    return ActivityPage(_newest_first(_list(body, "activities")), _next(body))


def _next(body: dict[str, Any]) -> str | None:
    value = body.get("next")
    return str(value) if value else None


_ACTIVITY_LABELS = {
    "event": "Event",
    "page": "Page view",
    "screen": "Screen view",
    "attribute_change": "Attribute changed",
    "failed_attribute_change": "Attribute change failed",
    "failed_event": "Event failed",
    "profile_create": "Profile created",
    "profile_delete": "Profile deleted",
    "profile_merge": "Profiles merged",
    "anon_merge": "Anonymous activity linked",
    "device_change": "Device changed",
    "segment_change": "Segment changed",
}
_DELIVERY_VERBS = {
    "sent": "sent",
    "delivered": "delivered",
    "opened": "opened",
    "clicked": "clicked",
    "bounced": "bounced",
    "failed": "failed",
    "unsubscribed": "unsubscribed",
    "converted": "converted",
}


def activity_label(kind: str) -> str:
    """Plain words for an activity type: ``sent_email`` → ``Email sent``, unknown types tidied up."""
    if kind in _ACTIVITY_LABELS:
        return _ACTIVITY_LABELS[kind]
    verb, _, channel = kind.partition("_")
    if verb in _DELIVERY_VERBS and channel:
        return f"{channel.replace('_', ' ').capitalize()} {_DELIVERY_VERBS[verb]}"
    return kind.replace("_", " ").capitalize() if kind else ""


def activity_summary(activity: dict[str, Any]) -> str:
    """One readable line of an activity's details: the page address, ``plan: pro → free``, ``key: value``."""
    if activity.get("url"):
        return str(activity["url"])
    data = activity.get("data")
    if not isinstance(data, dict) or not data:
        return ""
    parts = []
    for key, value in data.items():
        if isinstance(value, dict) and {"from", "to"} <= value.keys():
            parts.append(f"{key}: {_plain(value['from'])} → {_plain(value['to'])}")
        elif key in ("delivered", "opened") and value is None:
            continue
        else:
            moment = as_timestamp(key, value) if isinstance(value, int | float) else None
            parts.append(f"{key}: {format_datetime(moment) if moment else _plain(value)}")
    return ", ".join(parts)


def _plain(value: Any) -> str:
    return display_value(value) if value not in (None, "") else "(empty)"
