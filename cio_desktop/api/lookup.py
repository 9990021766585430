"""Look a person up in one go: resolve an email to a person, then fetch attributes (with devices),
segments and the latest activities concurrently."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cio_desktop.api.errors import ApiError, NotFoundError
from cio_desktop.api.paths import IdType
from cio_desktop.customer_record import CustomerRecord

if TYPE_CHECKING:
    from cio_desktop.api.client import CioClient


class AmbiguousEmailError(ApiError):
    """More than one person has this email; ``matches`` lists their identifiers."""

    def __init__(self, message: str, *, matches: list[dict[str, Any]], **kw: Any) -> None:
        super().__init__(message, **kw)
        self.matches = matches


@dataclass(frozen=True, slots=True)
class PersonLookup(CustomerRecord):
    """What ``lookup_person`` found: the ``customer`` object from the attributes call, its segments,
    the latest activities (newest first), the devices, and the identifiers used for the calls."""

    identifier: str
    id_type: IdType
    customer: dict[str, Any]
    segments: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    activities_next: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "identifier": self.identifier,
            "id_type": self.id_type,
            "identifiers": self.identifiers,
            "attributes": self.attributes,
            "unsubscribed": bool(self.customer.get("unsubscribed")),
            "devices": self.devices,
            "segments": self.segments,
            "activities": self.activities,
            "activities_next": self.activities_next,
        }


async def resolve_email(client: CioClient, email: str) -> str:
    """The cio id of the one person with ``email``; NotFoundError / AmbiguousEmailError otherwise."""
    result = await client.app.find_by_email(email)
    found = result.get("results")
    people = [p for p in found or [] if isinstance(p, dict)]
    if not people:
        raise NotFoundError(
            "No person with that email exists in this workspace.",
            endpoint="GET /v1/customers?email=…",
            status=200,
            exchange_id=result.exchange.id,
        )
    if len(people) > 1:
        raise AmbiguousEmailError(
            f"{len(people)} people share this email. Look one of them up by ID or cio ID instead.",
            matches=people,
            endpoint="GET /v1/customers?email=…",
            status=200,
            exchange_id=result.exchange.id,
        )
    return str(people[0].get("cio_id"))


async def lookup_person(
    client: CioClient,
    *,
    id: str | None = None,
    email: str | None = None,
    cio_id: str | None = None,
    activities: int = 10,
) -> PersonLookup:
    """Exactly one of ``id``/``email``/``cio_id``. An email is resolved first (one match needed)."""
    given = [(k, v) for k, v in (("id", id), ("email", email), ("cio_id", cio_id)) if v is not None]
    if len(given) != 1:
        raise ValueError("give exactly one of id, email, cio_id")
    kind, value = given[0]
    if not value.strip():  # ``lookup --id ""``: say so instead of asking for nobody
        raise ApiError(
            f"The {kind} to look up is empty; give the person's {kind}.", detail="empty identifier"
        )
    id_type: IdType = "id"
    if kind == "email":
        value, id_type = await resolve_email(client, str(value)), "cio_id"
    elif kind == "cio_id":
        id_type = "cio_id"
    # All three run to the end before any error is raised, so none is left in flight on the client.
    outcomes = await asyncio.gather(
        client.app.attributes(value, id_type=id_type),
        client.app.segments(value, id_type=id_type),
        client.app.activities(value, id_type=id_type, limit=max(1, min(100, activities))),
        return_exceptions=True,
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    attrs, segs, acts = (o for o in outcomes if not isinstance(o, BaseException))
    customer = attrs.get("customer")
    seg_list = segs.get("segments")
    act_list = acts.get("activities")
    nxt = acts.get("next")
    return PersonLookup(
        identifier=str(value),
        id_type=id_type,
        customer=customer if isinstance(customer, dict) else {},
        segments=[s for s in seg_list or [] if isinstance(s, dict)],
        activities=[a for a in act_list or [] if isinstance(a, dict)],
        activities_next=str(nxt) if nxt else None,
    )
