"""The live stream's rows (no Qt): who, what, a one-line summary, the filters, and what to look up."""

from __future__ import annotations

from cio_desktop.operations.activity_rows import row_for


def test_an_event_row() -> None:
    row = row_for(
        {
            "id": "01A",
            "type": "event",
            "name": "purchase",
            "timestamp": 1_800_000_000,
            "customer_identifiers": {"email": "ada@example.com", "id": "demo-ada", "cio_id": "a1"},
            "data": {"total": 12.5, "note": "two\nlines", "items": [1, 2]},
        }
    )
    assert (row.person, row.type_words, row.name, row.lookup) == ("ada@example.com", "Event", "purchase",
                                                                  "ada@example.com")  # fmt: skip
    assert row.summary == "total: 12.5, note: two lines, items: …"  # one line, no raw lists
    assert row.when is not None
    assert row.matches(type_="event", name="PURCH", person="ada")
    assert not row.matches(type_="page")
    assert not row.matches(person="grace")


def test_messages_changes_and_anonymous_people() -> None:
    sent = row_for({"type": "sent_email", "delivery_type": "email", "data": {"opened": 5, "clicked": None},
                    "customer_identifiers": {"id": "p1"}})  # fmt: skip
    assert (sent.type_words, sent.summary, sent.lookup) == ("Email sent", "Opened", "p1")
    change = row_for({"type": "attribute_change", "data": {"plan": {"from": "free", "to": "pro"}}})
    assert change.summary == "plan: free → pro"
    assert change.person == "(nobody)"
    anonymous = row_for({"type": "page", "anonymous_id": "v1", "name": "https://x.example/" + "a" * 300})
    assert anonymous.lookup is None  # nobody to open in Customer lookup
    assert anonymous.person == "anonymous (v1)"
    assert len(anonymous.name) <= 120
    assert row_for({"type": "new_kind"}).type_words == "New kind"
