"""Identifier detection and value presentation for the customer lookup panel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cio_desktop.lookup_query import (
    IdentifierKind,
    as_timestamp,
    build_query,
    detect_kind,
    display_value,
    empty_state_hint,
    found_message,
    no_match_message,
)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("ana@example.com", IdentifierKind.EMAIL),
        ("  Ana@Example.com ", IdentifierKind.EMAIL),
        ("cio_03000001", IdentifierKind.CIO_ID),
        ("CIO_abc", IdentifierKind.CIO_ID),
        ("cio_", IdentifierKind.ID),
        ("12345", IdentifierKind.ID),
        ("user-42", IdentifierKind.ID),
        ("   ", None),
        ("", None),
    ],
)
def test_detect_kind_from_what_was_typed(typed: str, kind: IdentifierKind | None) -> None:
    assert detect_kind(typed) is kind


def test_build_query_strips_the_cio_prefix_and_spaces() -> None:
    query = build_query("  cio_03000001 ")
    assert query is not None
    assert (query.value, query.kind) == ("03000001", IdentifierKind.CIO_ID)


def test_build_query_honours_the_users_override() -> None:
    query = build_query("a3000001", IdentifierKind.CIO_ID)
    assert query is not None
    assert (query.value, query.kind) == ("a3000001", IdentifierKind.CIO_ID)
    forced_id = build_query("cio_x", IdentifierKind.ID)
    assert forced_id is not None
    assert forced_id.value == "cio_x"
    assert build_query("   ") is None


def test_unix_timestamps_become_dates_but_ids_do_not() -> None:
    assert as_timestamp("created_at", "1489014595") == datetime(2017, 3, 8, 23, 9, 55, tzinfo=UTC)
    assert as_timestamp("signed_up", 1489014595) is not None
    assert as_timestamp("last_seen", "1489014595000") is not None  # milliseconds
    assert as_timestamp("id", "1489014595") is None
    assert as_timestamp("account_id", "1489014595") is None
    assert as_timestamp("plan", "pro") is None
    assert as_timestamp("count", "42") is None
    assert as_timestamp("flag", True) is None


def test_display_value_is_one_readable_line() -> None:
    assert display_value(None) == ""
    assert display_value(True) == "true"
    assert display_value({"b": 1, "a": [1, 2]}) == '{"a": [1, 2], "b": 1}'


def test_messages_for_people_not_developers() -> None:
    hint = empty_state_hint("ana-001", "ana@example.com")
    assert "email address" in hint
    assert "ana-001" in hint
    query = build_query("nobody@example.com")
    assert query is not None
    message = no_match_message(query)
    assert "Nobody" in message
    assert "nobody@example.com" in message


def test_found_message_says_how_the_person_was_found() -> None:
    by_email = build_query("ana@example.com")
    bare = build_query("a3000001")
    as_cio = build_query("a3000001", IdentifierKind.CIO_ID)
    assert by_email is not None
    assert bare is not None
    assert as_cio is not None
    assert found_message(by_email, as_cio) == "Found by email address: ana@example.com"
    assert "as their cio_id" in found_message(bare, as_cio)
