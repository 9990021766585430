"""A person's timeline marks (no Qt): events, profile changes and each message's sent / delivered / opened /
clicked as distinct marks, doubles left out, and a first zoom that shows the newest marks well."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cio_desktop.operations.timeline import (
    ZOOMS,
    MarkKind,
    in_window,
    kind_of_activity,
    marks_for,
    window,
    zoom_for,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _ts(days_ago: float) -> int:
    return int((NOW - timedelta(days=days_ago)).timestamp())


def test_each_kind_is_its_own_mark_and_a_message_gives_up_to_four() -> None:
    activities = [
        {"id": "a1", "type": "event", "name": "purchase", "timestamp": _ts(1), "data": {"total": 12}},
        {
            "id": "a2",
            "type": "attribute_change",
            "timestamp": _ts(2),
            "data": {"plan": {"from": "a", "to": "b"}},
        },
        {"id": "a3", "type": "sent_email", "timestamp": _ts(3), "delivery_id": "m1"},  # the message says it
        {"id": "a4", "type": "opened_push", "timestamp": _ts(4)},
    ]
    messages = [
        {"id": "m1", "subject": "Welcome", "type": "email", "recipient": "ada@example.com",
         "metrics": {"sent": _ts(3), "delivered": _ts(3) + 5, "opened": _ts(2.5), "clicked": _ts(2.4)}},
    ]  # fmt: skip
    marks = marks_for(activities, messages)
    kinds = [m.kind for m in marks]
    assert kinds.count(MarkKind.SENT) == 1  # not twice (activity and message)
    assert {MarkKind.EVENT, MarkKind.PROFILE, MarkKind.SENT, MarkKind.DELIVERED, MarkKind.OPENED,
            MarkKind.CLICKED} == set(kinds)  # fmt: skip
    assert [m.when for m in marks] == sorted(m.when for m in marks)
    change = next(m for m in marks if m.kind is MarkKind.PROFILE)
    assert change.detail == "plan: a → b"
    clicked = next(m for m in marks if m.kind is MarkKind.CLICKED)
    assert clicked.raw["id"] == "m1"
    assert clicked.describe().startswith("Clicked · “Welcome” · ")
    assert "Their own actions — email to ada@example.com" in clicked.describe()  # side_of: their doing
    sent = next(m for m in marks if m.kind is MarkKind.SENT)
    assert "Messages sent to them" in sent.describe()


def test_activity_types_map_to_marks() -> None:
    assert kind_of_activity("page") is MarkKind.EVENT
    assert kind_of_activity("clicked_email") is MarkKind.CLICKED
    assert kind_of_activity("delivered_sms") is MarkKind.DELIVERED
    assert kind_of_activity("profile_create") is MarkKind.PROFILE
    assert kind_of_activity("attribute_change") is MarkKind.PROFILE


def test_zoom_windows_from_a_day_to_a_year() -> None:
    assert [label for label, _ in ZOOMS] == ["Day", "Week", "Month", "Quarter", "Year"]
    activities = [{"id": str(n), "type": "event", "name": "e", "timestamp": _ts(n * 3)} for n in range(40)]
    marks = marks_for(activities, [])
    assert zoom_for(marks, NOW) == 2  # a month holds the newest 10
    start, end = window(ZOOMS[0][1], marks, NOW)
    assert end == NOW
    assert [m.raw["id"] for m in in_window(marks, start, end)] == ["0"]
    assert len(in_window(marks, *window(ZOOMS[-1][1], marks, NOW))) == 40


def test_broken_items_are_skipped_not_fatal() -> None:
    marks = marks_for([{"type": "event"}, {"timestamp": "soon"}, {"timestamp": True}], [{"metrics": "x"}])
    assert marks == []
