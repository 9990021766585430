"""Shared widgets: the inline error banner and the busy indicator behave as a user expects."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cio_desktop.errors import CioDesktopError
from cio_desktop.models import Region
from cio_desktop.ui.widgets.busy import BusyIndicator
from cio_desktop.ui.widgets.error_banner import ErrorBanner
from cio_desktop.ui.widgets.region_badge import RegionBadge
from tests.ui.conftest import QtAsyncLoop


def test_error_banner_shows_plain_words_and_hides_the_detail_until_asked(qtbot: QtBot) -> None:
    banner = ErrorBanner(name="demoError")
    qtbot.addWidget(banner)
    banner.show()
    banner.show_error(CioDesktopError("Customer.io refused the key.", detail="GET /v1/x · HTTP 401"))
    assert banner.isVisible()
    assert banner.message() == "Customer.io refused the key."
    assert not banner.details_edit.isVisible()
    qtbot.mouseClick(banner.details_button, Qt.MouseButton.LeftButton)
    assert banner.details_edit.isVisible()
    assert "HTTP 401" in banner.details_edit.toPlainText()
    with qtbot.waitSignal(banner.dismissed, timeout=1000):
        qtbot.mouseClick(banner.close_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()


def test_error_banner_never_shows_the_text_of_an_unexpected_exception(qtbot: QtBot) -> None:
    banner = ErrorBanner()
    qtbot.addWidget(banner)
    banner.show_error(KeyError("sk_live_secret"))
    assert "sk_live_secret" not in banner.message() + banner.detail()
    assert "KeyError" in banner.detail()


def test_busy_indicator_cancel_cancels_the_tracked_task(qtbot: QtBot, qloop: QtAsyncLoop) -> None:
    busy = BusyIndicator(name="lookupBusy")
    qtbot.addWidget(busy)
    busy.show()
    task = asyncio.ensure_future(asyncio.Event().wait())
    with qtbot.waitSignal(busy.busy_changed, timeout=1000):
        busy.track(task, "Looking up a person…")
    assert busy.isVisible()
    assert busy.text() == "Looking up a person…"
    with qtbot.waitSignal(busy.busy_changed, timeout=2000) as blocker:
        qtbot.mouseClick(busy.cancel_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [False]
    assert task.cancelled()
    assert not busy.isVisible()


def test_region_badge_says_practice_for_the_demo(qtbot: QtBot) -> None:
    badge = RegionBadge()
    qtbot.addWidget(badge)
    badge.set_region(Region.EU)
    assert badge.text() == "EU"
    badge.set_region(Region.US, practice=True)
    assert badge.text() == "PRACTICE"
    assert "fictional" in badge.accessibleName()


def test_a_success_notice_goes_away_by_itself_an_error_stays(qtbot: QtBot) -> None:
    """Issue 12: success banners never went away by themselves."""
    banner = ErrorBanner()
    qtbot.addWidget(banner)
    banner.show()
    banner.auto_dismiss_ms = 50  # the app waits a few seconds; the rule is the same
    banner.show_message("Settings saved.", level="success")
    qtbot.waitUntil(banner.isHidden, timeout=5000)
    banner.show_error("Could not save.")
    assert banner.isVisible()
    assert not banner._dismiss_timer.isActive(), "an error waits for the user"
