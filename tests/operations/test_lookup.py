"""Loading a person for the lookup panel against a real sandbox: each identifier, no match, several."""

from __future__ import annotations

from cio_desktop.api.client import CioClient
from cio_desktop.lookup_query import IdentifierKind, LookupQuery, build_query
from cio_desktop.operations.lookup import (
    CustomerProfile,
    NoMatch,
    SeveralMatches,
    activity_label,
    activity_summary,
    look_up,
    more_activities,
)
from cio_desktop.sandbox.demo import WELL_KNOWN


def _query(text: str, kind: IdentifierKind | None = None) -> LookupQuery:
    query = build_query(text, kind)
    assert query is not None
    return query


async def test_by_id_email_and_cio_id_find_the_same_person(sandbox_client: CioClient) -> None:
    for text in (WELL_KNOWN["customer_id"], WELL_KNOWN["email"], "cio_" + WELL_KNOWN["cio_id"]):
        outcome = await look_up(sandbox_client, _query(text))
        assert isinstance(outcome, CustomerProfile), text
        assert outcome.identifiers["id"] == WELL_KNOWN["customer_id"]
        assert outcome.attributes["first_name"] == WELL_KNOWN["first_name"]
        assert outcome.devices[0]["id"] == WELL_KNOWN["device_id"]
        assert outcome.segments
        assert outcome.messages
        assert not outcome.problems
        stamps = [a["timestamp"] for a in outcome.activities.items]
        assert stamps == sorted(stamps, reverse=True)


async def test_a_bare_cio_id_is_tried_as_a_cio_id_only_when_asked(sandbox_client: CioClient) -> None:
    bare = _query(WELL_KNOWN["cio_id"])
    assert bare.kind is IdentifierKind.ID
    assert isinstance(await look_up(sandbox_client, bare), NoMatch)
    found = await look_up(sandbox_client, bare, try_cio_id=True)
    assert isinstance(found, CustomerProfile)
    assert found.query.kind is IdentifierKind.CIO_ID


async def test_no_match_and_several_matches(sandbox_client: CioClient) -> None:
    assert isinstance(await look_up(sandbox_client, _query(WELL_KNOWN["missing_email"])), NoMatch)
    assert isinstance(await look_up(sandbox_client, _query(WELL_KNOWN["missing_customer_id"])), NoMatch)
    several = await look_up(sandbox_client, _query(WELL_KNOWN["shared_email"]))
    assert isinstance(several, SeveralMatches)
    ids = {m.id for m in several.matches}
    assert ids == {WELL_KNOWN["shared_customer_id_1"], WELL_KNOWN["shared_customer_id_2"]}
    chosen = await look_up(sandbox_client, several.matches[0].query())
    assert isinstance(chosen, CustomerProfile)
    assert "cio_id" in several.matches[0].label()


async def test_activities_page_on_and_filter_by_type(sandbox_client: CioClient) -> None:
    profile = await look_up(sandbox_client, _query(WELL_KNOWN["customer_id"]))
    assert isinstance(profile, CustomerProfile)
    first = profile.activities
    assert first.next is not None
    second = await more_activities(sandbox_client, profile.query, start=first.next)
    assert {a["id"] for a in second.items}.isdisjoint({a["id"] for a in first.items})
    events = await more_activities(sandbox_client, profile.query, start=None, activity_type="event")
    assert events.items
    assert {a["type"] for a in events.items} == {"event"}


def test_activities_are_described_in_plain_words() -> None:
    assert activity_label("sent_email") == "Email sent"
    assert activity_label("attribute_change") == "Attribute changed"
    assert activity_label("opened_push") == "Push opened"
    assert activity_label("webhook_event") == "Webhook event"
    change = {"type": "attribute_change", "data": {"plan": {"from": "pro", "to": "free"}}}
    assert activity_summary(change) == "plan: pro → free"
    assert activity_summary({"type": "page", "url": "https://x.example/"}) == "https://x.example/"
    assert activity_summary({"type": "event", "data": {"source": "ios", "n": 2}}) == "source: ios, n: 2"
