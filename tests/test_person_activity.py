"""Who did what, names and the last-activity line (Qt-free; issue 12)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cio_desktop.operations.lookup import activity_label
from cio_desktop.person_activity import Side, is_same_person, last_seen_line, person_name, side_of
from cio_desktop.time_display import ago, format_clock, format_moment, set_display_zone, zone_name

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "side"),
    [
        ("event", Side.THEIRS),
        ("page", Side.THEIRS),
        ("screen", Side.THEIRS),
        ("opened_email", Side.THEIRS),
        ("clicked_push", Side.THEIRS),
        ("unsubscribed_email", Side.THEIRS),
        ("topic_unsubscribed_email", Side.THEIRS),
        ("sent_email", Side.TO_THEM),
        ("delivered_email", Side.TO_THEM),
        ("bounced_email", Side.TO_THEM),
        ("failed_push", Side.TO_THEM),
        ("webhook_event", Side.TO_THEM),
        ("attribute_change", Side.PROFILE),
        ("failed_attribute_change", Side.PROFILE),
        ("device_change", Side.PROFILE),
        ("profile_create", Side.PROFILE),
        ("_o:1:create", Side.PROFILE),
        ("", Side.PROFILE),
    ],
)
def test_each_activity_has_one_side(kind: str, side: Side) -> None:
    assert side_of(kind) is side


def test_the_name_comes_from_name_or_first_and_last_name() -> None:
    assert person_name({"first_name": "Ada", "last_name": "Lovelace"}) == "Ada Lovelace"
    assert person_name({"name": " Grace Hopper ", "first_name": "G"}) == "Grace Hopper"
    assert person_name({"first_name": "Ada"}) == "Ada"
    assert person_name({"email": "x@example.com"}) is None


def test_last_seen_names_their_newest_own_action_and_the_newest_message() -> None:
    stamp = int((NOW - timedelta(hours=3)).timestamp())
    activities = [
        {"type": "sent_email", "timestamp": stamp + 600},
        {"type": "page", "timestamp": stamp},
        {"type": "event", "name": "signed_up", "timestamp": stamp - 86400},
    ]
    messages = [{"created": stamp + 900}]
    line = last_seen_line(activities, messages, label=activity_label, complete=True, now=NOW)
    own, sent = line.split("   ·   ")
    assert own.startswith("Last activity: Page view, 3 hours ago (")
    assert sent.startswith("Last message to them: 2 hours ago (")  # 3 h - 15 min rounds down
    assert "1796" not in line, "no raw Unix timestamps"


def test_no_own_action_is_said_only_when_every_type_was_loaded() -> None:
    sent = [{"type": "sent_email", "timestamp": int(NOW.timestamp()) - 60}]
    assert last_seen_line(sent, [], label=activity_label, complete=True, now=NOW).startswith(
        "Last activity: none of their own in the last 30 days"
    )
    assert last_seen_line(sent, [], label=activity_label, complete=False, now=NOW).startswith(
        "Last message to them: 1 minute ago"
    )


def test_same_person_by_id_email_or_cio_id() -> None:
    ids = {"id": "demo-ada", "email": "Ada@Example.com", "cio_id": "a3000001"}
    assert is_same_person(ids, "ada@example.com", "email")
    assert is_same_person(ids, "a3000001", "cio_id")
    assert is_same_person(ids, "demo-ada", "id")
    assert not is_same_person(ids, "demo-bob", "id")
    assert not is_same_person({"id": None}, "x", "id")


def test_times_carry_their_zone_and_utc_is_a_choice() -> None:
    moment = datetime(2026, 11, 26, 11, 3, 4, tzinfo=UTC)
    local = moment.astimezone()
    assert format_moment(moment) == f"{local:%Y-%m-%d %H:%M:%S} {zone_name(local)}"
    try:
        set_display_zone("utc")
        assert format_moment(moment) == "2026-11-26 11:03:04 UTC"
        assert format_clock(moment) == "11:03:04 UTC"
    finally:
        set_display_zone("local")


def test_a_numeric_zone_name_becomes_an_offset() -> None:
    odd = datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=5, minutes=30), "+0530"))
    assert zone_name(odd) == "UTC+05:30"
    west = datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-3)))
    assert zone_name(west) in ("UTC-03:00",)


def test_ago_in_plain_words() -> None:
    assert ago(NOW - timedelta(seconds=20), NOW) == "just now"
    assert ago(NOW - timedelta(minutes=1), NOW) == "1 minute ago"
    assert ago(NOW - timedelta(days=2, hours=1), NOW) == "2 days ago"
    assert ago(NOW + timedelta(hours=1), NOW).startswith("in the future")
