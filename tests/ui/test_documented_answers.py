"""Issue 11 item 7: the lookup panel and the event result view render the documented answer shapes
(fields absent, empty strings, integers, documented nulls) without a traceback or a blank panel. The
answers come from a real HTTP server serving the descriptions' own examples (tests/fixtures/
documented_answers.py), through the app's real client and lookup code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cio_desktop.api.exchange import Exchange
from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations.services import Services
from cio_desktop.secrets import SecretStore
from cio_desktop.ui.panels.event_result_view import EventResultView, response_text
from cio_desktop.ui.panels.lookup_panel import PAGE_MATCHES, PAGE_PROFILE, LookupPanel
from tests.fixtures.documented_answers import serve_documented
from tests.ui.conftest import QtAsyncLoop
from tests.ui.lookup_helpers import open_lookup, search


@pytest.fixture
def lookup(qtbot, qloop: QtAsyncLoop) -> Iterator[LookupPanel]:
    with serve_documented() as url:
        services = Services(secrets=SecretStore(session_only=True))
        workspace = Workspace(name="Examples", region=Region.US, site_id="site", track_url=url, app_url=url)
        secrets = {SecretKind.TRACK_API_KEY: "track-key", SecretKind.APP_API_KEY: "app-key"}
        workspace = qloop.run(services.add_workspace(workspace, secrets))
        with open_lookup(qtbot, qloop, services, workspace) as panel:
            yield panel


_search = search


def _column(table, col: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_the_example_person_fills_every_tab(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    _search(qtbot, qloop, lookup, "1")
    assert lookup.stack.currentIndex() == PAGE_PROFILE
    assert not lookup.banner.isVisible()
    view = lookup.profile_view
    assert view.header.text() == "cool.person@example.com"
    attributes = dict(zip(_column(view.attributes_table, 0), _column(view.attributes_table, 1), strict=True))
    assert attributes["nickname"] == ""  # an empty string is shown as empty, not dropped
    assert "-" in attributes["_last_emailed"]  # a string timestamp shown as a date
    assert _column(view.segments_table, 0) == ["Paying customers", "VIP"]
    assert _column(view.devices_table, 0) == ["my_android_device_id"]
    assert view.activities_table.rowCount() == 6
    assert _column(view.activities_table, 1)[:4] == ["Sent to them", "Profile", "They did", "They did"]
    types = _column(view.activities_table, 2)
    assert types[:4] == ["Email sent", "Attribute changed", "Page view", "Event"]
    details = _column(view.activities_table, 4)
    assert details[1] == "plan: (empty) → premium, seats: 5 → 7"
    assert details[2] == "https://example.com/docs"
    assert "delivered:" in details[0]
    assert "opened" not in details[0]  # a documented null is left out
    assert not view.load_more_button.isEnabled()  # no "next" means the end
    assert _column(view.messages_table, 2) == ["Did you get that thing I sent you?", ""]
    assert _column(view.messages_table, 4) == ["delivered", "failed: bounced"]


def test_a_person_without_an_id(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    _search(qtbot, qloop, lookup, "cio_03000002")
    assert lookup.stack.currentIndex() == PAGE_PROFILE
    view = lookup.profile_view
    assert view.header.text() == "anon@example.com"
    assert "unsubscribed" in view.subheader.text()
    assert _column(view.identifiers_table, 1) == ["", "anon@example.com", "03000002"]
    assert view.activities_table.rowCount() == 0
    assert "No activities" in view.activities_note.text()


def test_an_email_of_a_person_without_an_id_resolves(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    _search(qtbot, qloop, lookup, "anon@example.com")
    assert lookup.stack.currentIndex() == PAGE_PROFILE  # one match (id null): shown directly
    assert lookup.profile_view.header.text() == "anon@example.com"


def test_several_matches_with_a_null_id(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    _search(qtbot, qloop, lookup, "shared@example.com")
    assert lookup.stack.currentIndex() == PAGE_MATCHES
    labels = [lookup.matches_list.item(i).text() for i in range(lookup.matches_list.count())]
    assert len(labels) == 2
    assert labels[0].startswith("no ID")
    assert "ID 42" in labels[1]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, "{}\n", "{}"),  # Track and Pipelines success (content-length 3 as recorded live)
        (200, "", "(empty)"),
        (204, None, "(empty)"),  # form submission
        (
            207,
            '{"errors":[{"batch_index":1,"reason":"required","field":"identifiers","message":"missing"}]}',
            "batch_index",
        ),
        (400, '{"meta":{"errors":["name is required"]}}', "name is required"),
        (400, '{"code":"invalid_request","message":"track: event is required"}', "event is required"),
        (401, '{"errors":[{"detail":"unauthorized","status":"401"}]}', "unauthorized"),
        (502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "Bad Gateway"),
    ],
)
def test_event_result_view_shows_each_documented_answer(
    qtbot, status: int, body: str | None, expected: str
) -> None:
    view = EventResultView()
    qtbot.addWidget(view)
    exchange = Exchange(
        id="x",
        workspace="w",
        method="POST",
        url="https://cdp.customer.io/v1/track",
        status=status,
        response_body=body,
        response_headers={"content-type": "application/json"},
    )
    view.show_exchange(exchange)
    text = view.response_view.toPlainText()
    assert text == response_text(exchange)
    assert text.startswith(f"HTTP {status}")
    assert expected in text
