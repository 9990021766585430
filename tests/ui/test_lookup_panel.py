"""Customer lookup panel against a real sandbox: each identifier, no match, several matches, cancel."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations.lookup import CustomerProfile
from cio_desktop.operations.services import Services
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from cio_desktop.secrets import SecretStore
from cio_desktop.time_display import set_display_zone, zone_name
from cio_desktop.ui.panels.lookup_panel import (
    PAGE_EMPTY,
    PAGE_MATCHES,
    PAGE_MESSAGE,
    PAGE_PROFILE,
    LookupPanel,
)
from tests.ui.conftest import QtAsyncLoop
from tests.ui.lookup_helpers import open_lookup, search


async def connect_services(
    sandbox: ThreadedSandbox, name: str = "Sandbox shop"
) -> tuple[Services, Workspace]:
    """D1's real Services with in-memory secrets and one workspace pointing at ``sandbox``."""
    info = sandbox.info
    services = Services(secrets=SecretStore(session_only=True))
    workspace = Workspace(
        name=name,
        region=Region(info.region),
        site_id=info.site_id,
        track_url=info.track_url,
        app_url=info.app_url,
    )
    secrets = {SecretKind.TRACK_API_KEY: info.track_api_key, SecretKind.APP_API_KEY: info.app_api_key}
    return services, await services.add_workspace(workspace, secrets)


@pytest.fixture
def lookup(qtbot, qloop: QtAsyncLoop, sandbox: ThreadedSandbox) -> Iterator[LookupPanel]:
    services, workspace = qloop.run(connect_services(sandbox))
    with open_lookup(qtbot, qloop, services, workspace) as panel:
        yield panel


_search = search


def test_empty_state_explains_what_to_type(lookup: LookupPanel) -> None:
    assert lookup.panel_title == "Customer lookup"
    assert lookup.stack.currentIndex() == PAGE_EMPTY
    assert "email address" in lookup.empty_label.text()
    assert lookup.query_edit.accessibleName()


def test_lookup_by_id_shows_the_whole_profile(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    _search(qtbot, qloop, lookup, WELL_KNOWN["customer_id"])
    assert lookup.stack.currentIndex() == PAGE_PROFILE
    view = lookup.profile_view
    assert view.header.text() == "Ada Lovelace", "the person's name, not their email (issue 12)"
    assert WELL_KNOWN["email"] in view.subheader.text()
    assert WELL_KNOWN["cio_id"] in view.subheader.text()
    assert view.last_seen.text().startswith("Last activity: ")
    assert " ago (" in view.last_seen.text()
    names = [view.attributes_table.item(r, 0).text() for r in range(view.attributes_table.rowCount())]
    assert "first_name" in names
    row = names.index("created_at")
    created = view.attributes_table.item(row, 1)
    assert "-" in created.text()  # shown as a date, with its zone ...
    assert created.text().split()[-1] == zone_name(datetime.now().astimezone())
    assert created.toolTip().startswith("Same moment: ")  # ... the other zone on hover, never the number
    assert created.toolTip().endswith(" UTC")
    assert view.segments_table.rowCount() >= 5
    assert view.devices_table.item(0, 0).text() == WELL_KNOWN["device_id"]
    assert view.activities_table.rowCount() == 20
    table = view.activities_table
    stamps = [int(table.item(r, 0).data(Qt.ItemDataRole.UserRole)) for r in range(20)]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    assert view.messages_table.rowCount() > 0
    # The raw JSON is made off the UI thread and filled in after the rest (megabytes must not freeze).
    qtbot.waitUntil(lambda: '"customer"' in view.raw_view.toPlainText(), timeout=10_000)
    assert "Attributes (" in view.tabs.tabText(view.tab_index("Attributes"))


def test_lookup_by_email_and_by_cio_id(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    _search(qtbot, qloop, lookup, WELL_KNOWN["email"])
    assert lookup.kind_combo.itemText(0) == "Automatic (Email address)"
    assert lookup.stack.currentIndex() == PAGE_PROFILE
    assert lookup.profile_view.header.text() == "Ada Lovelace"
    assert lookup.detected_label.text() == f"Found by email address: {WELL_KNOWN['email']}"
    lookup.refresh()
    qloop.run(lookup.search_task, timeout=15)
    assert lookup.detected_label.text() == f"Found by email address: {WELL_KNOWN['email']}"

    _search(qtbot, qloop, lookup, f"cio_{WELL_KNOWN['cio_id']}")
    assert lookup.stack.currentIndex() == PAGE_PROFILE
    assert lookup.detected_label.text() == f"Found by cio_id: {WELL_KNOWN['cio_id']}"

    _search(qtbot, qloop, lookup, WELL_KNOWN["cio_id"])  # bare cio_id: tried as an id, then as a cio_id
    assert lookup.stack.currentIndex() == PAGE_PROFILE
    assert isinstance(lookup.outcome, CustomerProfile)
    assert lookup.outcome.identifiers["id"] == WELL_KNOWN["customer_id"]
    assert "as their cio_id" in lookup.detected_label.text()


def test_the_user_can_override_the_detected_kind(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    lookup.kind_combo.setCurrentIndex(lookup.kind_combo.findData("id"))
    _search(qtbot, qloop, lookup, WELL_KNOWN["cio_id"])
    assert "chosen by you" in lookup.detected_label.text()
    assert lookup.stack.currentIndex() == PAGE_MESSAGE  # forced to an id: nobody has that id


def test_no_match_is_a_friendly_message_not_an_error(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    _search(qtbot, qloop, lookup, WELL_KNOWN["missing_email"])
    assert lookup.stack.currentIndex() == PAGE_MESSAGE
    assert "Nobody in this workspace" in lookup.message_label.text()
    assert lookup.banner.isHidden()
    _search(qtbot, qloop, lookup, WELL_KNOWN["missing_customer_id"])
    assert WELL_KNOWN["missing_customer_id"] in lookup.message_label.text()


def test_several_matches_are_listed_to_choose_from(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    _search(qtbot, qloop, lookup, WELL_KNOWN["shared_email"])
    assert lookup.stack.currentIndex() == PAGE_MATCHES
    assert lookup.matches_list.count() == 2
    labels = [lookup.matches_list.item(i).text() for i in range(2)]
    assert any(WELL_KNOWN["shared_customer_id_2"] in label for label in labels)
    lookup.matches_list.setCurrentRow(labels.index(next(x for x in labels if "household-2" in x)))
    qtbot.keyClick(lookup.matches_list, Qt.Key.Key_Return)
    qloop.run(lookup.search_task, timeout=15)
    assert lookup.stack.currentIndex() == PAGE_PROFILE
    assert isinstance(lookup.outcome, CustomerProfile)
    assert lookup.outcome.identifiers["id"] == WELL_KNOWN["shared_customer_id_2"]


def test_activities_load_more_and_filter_by_type(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    _search(qtbot, qloop, lookup, WELL_KNOWN["customer_id"])
    view = lookup.profile_view
    assert view.load_more_button.isEnabled()
    qtbot.mouseClick(view.load_more_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.activities_table.rowCount() == 40, timeout=10000)
    view.activity_type_combo.setCurrentIndex(view.activity_type_combo.findData("event"))
    qtbot.waitUntil(lambda: view.activities_table.rowCount() < 40, timeout=10000)
    kinds = {view.activities_table.item(r, 2).text() for r in range(view.activities_table.rowCount())}
    assert kinds == {"Event"}  # plain words; the raw type is in the tooltip


def test_attributes_filter_and_copy(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    _search(qtbot, qloop, lookup, WELL_KNOWN["customer_id"])
    view = lookup.profile_view
    table = view.attributes_table
    qtbot.keyClicks(view.attributes_filter, "first_name")
    visible = [r for r in range(table.rowCount()) if not table.isRowHidden(r)]
    assert [table.item(r, 0).text() for r in visible] == ["first_name"]
    table.setCurrentCell(visible[0], 1)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == WELL_KNOWN["first_name"]


def test_a_new_search_cancels_the_one_in_flight(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    lookup.query_edit.setText(WELL_KNOWN["missing_email"])
    first = lookup.start_search()
    lookup.query_edit.setText(WELL_KNOWN["customer_id"])
    second = lookup.start_search()
    assert first is not None
    assert second is not None
    qloop.run(second, timeout=15)
    assert first.done()  # cancelled without overwriting the screen
    assert lookup.stack.currentIndex() == PAGE_PROFILE  # the latest search won
    assert lookup.banner.isHidden()  # replacing a search is not reported as "Cancelled"


@pytest.fixture
def slow_search(qtbot, qloop: QtAsyncLoop, make_sandbox) -> Iterator[tuple[LookupPanel, asyncio.Task[None]]]:
    """A lookup panel on a sandbox that answers after 2 s, with a search for Ada already waiting."""
    slow = make_sandbox(faults=("latency=2",))
    services, workspace = qloop.run(connect_services(slow))
    panel = LookupPanel(services)
    qtbot.addWidget(panel)
    panel.set_workspace(workspace)
    try:
        panel.query_edit.setText(WELL_KNOWN["customer_id"])
        task = panel.start_search()
        assert task is not None
        qtbot.waitUntil(lambda: panel.busy.is_busy, timeout=2000)
        yield panel, task
    finally:
        qloop.run(services.aclose())


def test_cancelling_a_slow_lookup_keeps_the_ui_responsive(qtbot, slow_search) -> None:
    panel, task = slow_search
    panel.query_edit.clear()
    qtbot.keyClicks(panel.query_edit, "still typing")  # the UI thread is free while the call waits
    assert panel.query_edit.text() == "still typing"
    qtbot.mouseClick(panel.busy.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: task.done(), timeout=1000)
    assert "Cancelled" in panel.banner.message()
    assert not panel.busy.is_busy


def test_switching_workspace_mid_search_drops_it_quietly(qtbot, slow_search) -> None:
    panel, task = slow_search
    panel.set_workspace(None)
    qtbot.waitUntil(task.done, timeout=1000)
    assert not panel.busy.is_busy
    assert panel.banner.isHidden()  # no "Cancelled" for a search the user did not cancel
    assert panel.stack.currentIndex() == PAGE_EMPTY


def test_a_rejected_key_is_explained_inline(qtbot, qloop: QtAsyncLoop, sandbox: ThreadedSandbox) -> None:
    services, workspace = qloop.run(connect_services(sandbox))
    qloop.run(services.update_workspace(workspace, {SecretKind.APP_API_KEY: "not-the-right-key"}))
    panel = LookupPanel(services)
    qtbot.addWidget(panel)
    panel.set_workspace(workspace)
    try:
        _search(qtbot, qloop, panel, WELL_KNOWN["customer_id"])
        assert not panel.banner.isHidden()
        assert panel.banner.level == "error"
        assert "not-the-right-key" not in panel.banner.message() + panel.banner.detail()
        assert panel.banner.detail()  # the technical detail is one click away
        assert panel.stack.currentIndex() == PAGE_EMPTY  # nothing misleading is shown
    finally:
        qloop.run(services.aclose())


def test_changing_the_activity_filter_during_a_lookup_is_honoured(qtbot, qloop: QtAsyncLoop, lookup) -> None:
    view = lookup.profile_view
    lookup.query_edit.setText(WELL_KNOWN["customer_id"])
    task = lookup.start_search()
    assert task is not None
    view.activity_type_combo.setCurrentIndex(view.activity_type_combo.findData("page"))
    qloop.run(task, timeout=15)
    assert lookup.stack.currentIndex() == PAGE_PROFILE  # the lookup was not cancelled by the filter
    qtbot.waitUntil(
        lambda: (
            view.activities_table.rowCount() > 0
            and {view.activities_table.item(r, 2).text() for r in range(view.activities_table.rowCount())}
            == {"Page view"}
        ),
        timeout=10000,
    )


def test_activities_separate_their_actions_from_messages_sent_to_them(
    qtbot, qloop: QtAsyncLoop, lookup: LookupPanel
) -> None:
    """Issue 12: activities mixed what the person did with what was sent to them, with no way to tell."""
    _search(qtbot, qloop, lookup, WELL_KNOWN["customer_id"])
    view = lookup.profile_view
    table = view.activities_table
    assert table.horizontalHeaderItem(1).text() == "Who"
    for side, words in (("Messages sent to them", "Sent to them"), ("Their own actions", "They did")):
        view.activity_side_combo.setCurrentIndex(view.activity_side_combo.findText(side))
        visible = [r for r in range(table.rowCount()) if not table.isRowHidden(r)]
        assert visible, f"the demo person has {side.lower()}"
        assert {table.item(r, 1).text() for r in visible} == {words}
        assert f"{len(visible)} of {table.rowCount()} loaded shown" in view.activities_note.text()
    for row in range(table.rowCount()):  # no tooltip shows a raw Unix timestamp
        for column in range(table.columnCount()):
            assert not re.search(r"\b1[0-9]{9}\b", table.item(row, column).toolTip())


def test_times_follow_the_utc_setting(qtbot, qloop: QtAsyncLoop, lookup: LookupPanel) -> None:
    _search(qtbot, qloop, lookup, WELL_KNOWN["customer_id"])
    view = lookup.profile_view
    try:
        set_display_zone("utc")
        view.redisplay()
        assert view.activities_table.item(0, 0).text().endswith(" UTC")
        assert "UTC)" in view.last_seen.text()
    finally:
        set_display_zone("local")


def test_a_failed_lookup_does_not_keep_the_last_found_by_line(
    qtbot, qloop: QtAsyncLoop, lookup: LookupPanel, closed_port: int
) -> None:
    """Issue 12: "Found by email address: …" stayed above a later connection error."""
    _search(qtbot, qloop, lookup, WELL_KNOWN["email"])
    assert lookup.detected_label.text().startswith("Found by email address")
    workspace = lookup._workspace
    assert workspace is not None
    lookup.set_workspace(workspace.replace(app_url=f"http://127.0.0.1:{closed_port}"))
    _search(qtbot, qloop, lookup, WELL_KNOWN["email"])
    assert "Could not connect" in lookup.banner.message()
    assert not lookup.detected_label.text().startswith("Found by")


def test_hints_say_how_to_address_a_cio_id_and_the_find_field_is_not_cut_off(lookup: LookupPanel) -> None:
    """Issue 12: the hint said a cio_id "starts with cio_" (the practice person's is a3000001), and the
    Find placeholder was cut off in a small window."""
    assert "type cio_ in front of it (cio_a3000001 for a3000001)" in lookup.empty_label.text()
    lookup.resize(700, 500)
    lookup.show()
    edit = lookup.query_edit
    assert edit.width() >= edit.fontMetrics().horizontalAdvance(edit.placeholderText())
