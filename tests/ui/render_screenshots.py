"""Render every screen to PNG under resources/screenshots/ (real sandbox, real widgets, offscreen or Xvfb).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.render_screenshots [--out DIR]``
(``QT_SCALE_FACTOR=2`` with ``--out resources/screenshots/scale200`` checks 200% scaling). Keys live in a
session-only secret store, files in a throwaway CIO_DESKTOP_HOME: nothing touches a real profile.

After the main set, a walk-through renders what a new user met (issue 12): the Edit workspace dialog, every
panel at 1024×640 (``small-*``) and in the dark theme (``dark-*``), in ``walkthrough/``, with a call sent so
the panes are full.
Every screen is also checked: no two visible sibling widgets may overlap (a stray widget painting over a
form), and at 1024×640 the inspector's Copy as curl / Export HAR buttons must stay on screen.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CIO_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="cio-shots-")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from qasync import QEventLoop

from cio_desktop.api.regions import Endpoints
from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations.services import DEMO_NAME, Services
from cio_desktop.sandbox import SandboxOptions, run_in_thread
from cio_desktop.sandbox.demo import WELL_KNOWN
from cio_desktop.secrets import SecretStore
from cio_desktop.ui import window_flows
from cio_desktop.ui.dialogs.keyring_dialog import KeyringUnavailableDialog
from cio_desktop.ui.dialogs.workspace_wizard import WorkspaceWizard
from cio_desktop.ui.errors_dialog import UnexpectedErrorDialog, build_report
from cio_desktop.ui.main_window import MainWindow
from cio_desktop.ui.tasks import next_idle
from cio_desktop.ui.theme import apply_theme
from tests.ui.a11y_audit import overlap_problems
from tests.ui.layout_checks import fully_visible

ROOT = Path(__file__).resolve().parents[2]


async def settle(condition: Callable[[], bool] = lambda: True, limit_s: float = 20.0) -> None:
    """Let Qt and asyncio run until ``condition()`` holds (then a few more idle turns for painting)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("screen did not reach the expected state")
        await asyncio.sleep(0.05)
    for _ in range(3):
        await next_idle()


def save(widget: QWidget, out: Path, name: str) -> None:
    """Write ``name``.png, after checking that nothing on it paints over something else."""
    overlaps = overlap_problems(widget)
    if overlaps:
        raise AssertionError(f"{name}: widgets overlap: {overlaps}")
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


async def edit_dialog_shots(
    services: Services, saved: Workspace, out: Path, parent: QWidget, prefix: str
) -> None:
    """The Edit workspace dialog (the intro page must not paint over the form), keys page and test page."""
    wizard = WorkspaceWizard(services, parent, workspace=saved)
    wizard.open()
    await settle(lambda: bool(wizard.keys.has_saved))
    save(wizard, out, f"{prefix}wizard-edit-keys")
    wizard.next()
    await settle(lambda: wizard.test.report is not None)
    save(wizard, out, f"{prefix}wizard-edit-test")
    wizard.reject()


async def panel_shots(window: MainWindow, out: Path, prefix: str) -> None:
    """Every panel of the window as it is now; the inspector with a success notice showing."""
    shots = (
        (0, "lookup"),
        (1, "event-test"),
        (2, "inspector"),
        (3, "settings"),
        (4, "live-activity"),
        (5, "usage"),
    )
    for index, name in shots:
        window.tabs.setCurrentIndex(index)
        await settle()
        if name == "inspector":
            inspector = window.panels["inspector"]
            inspector.select_row(0)
            inspector.curl_button.click()  # the notice banner must not push the buttons away
            await settle()
            for button in (inspector.curl_button, inspector.har_button):
                if not fully_visible(button):
                    raise AssertionError(f"{prefix}{name}: {button.text()!r} is pushed out of view")
        scroll = window.tabs.currentWidget()
        for bar, what in ((scroll.horizontalScrollBar(), "wider"), (scroll.verticalScrollBar(), "taller")):
            if bar.maximum() > 0:  # the whole panel scrolls: something sits out of view
                raise AssertionError(f"{prefix}{name}: the panel is {bar.maximum()} px {what} than its room")
        save(window, out, f"{prefix}{name}")
    window.tabs.setCurrentIndex(0)


async def walkthrough(
    app: QApplication,
    window: MainWindow,
    services: Services,
    saved: Workspace,
    out: Path,
    size: tuple[int, int],
) -> None:
    """Edit dialog, 1024×640 and dark theme (issue 12), with a call sent so the event panes are filled;
    written to ``walkthrough/`` under the output folder."""
    out = out / "walkthrough"
    out.mkdir(exist_ok=True)
    window.sidebar.select(saved.name)
    await settle()
    await edit_dialog_shots(services, saved, out, window, "")
    await window_flows.open_demo(window)
    await settle(lambda: window.workspace is not None and window.workspace.demo)
    lookup = window.panels["lookup"]
    lookup.query_edit.setText(WELL_KNOWN["email"])
    task = lookup.start_search()
    if task is not None:
        await asyncio.wait([task], timeout=20)
    lookup.profile_view.tabs.setCurrentIndex(lookup.profile_view.tab_index("Activities"))
    event = window.panels["event"]
    window.tabs.setCurrentIndex(1)
    task = event.start_send()
    if task is not None:
        await asyncio.wait([task], timeout=20)
    # The send reloads the person's activities in the lookup by itself: let that finish first.
    await settle(lambda: lookup.search_task is None or lookup.search_task.done())
    window.resize(1024, 640)
    await settle()
    await panel_shots(window, out, "small-1024x640-")
    apply_theme(app, "dark")
    window.resize(*size)
    await settle()
    await panel_shots(window, out, "dark-")
    window.sidebar.select(saved.name)
    await settle()
    await edit_dialog_shots(services, saved, out, window, "dark-")
    window.resize(1024, 640)
    window.sidebar.select(DEMO_NAME)
    await settle()
    window.tabs.setCurrentIndex(1)
    await settle()
    save(window, out, "dark-small-1024x640-event-test")
    apply_theme(app, "light")


async def wizard_shots(services: Services, sandbox: object, out: Path, parent: QWidget) -> None:
    info = sandbox.info  # type: ignore[attr-defined]
    wizard = WorkspaceWizard(services, parent)
    wizard.open()
    await settle()
    save(wizard, out, "wizard-1-what-you-need")
    wizard.next()
    keys = wizard.keys
    keys.name_edit.setText("Acme production")
    keys.site_edit.setText(info.site_id)
    keys.track_field.set_value(info.track_api_key)
    keys.app_field.set_value(info.app_api_key)
    await settle()
    save(wizard, out, "wizard-2-paste-keys")
    wizard.next()
    await settle(lambda: wizard.test.report is not None)
    save(wizard, out, "wizard-3-test-passed")
    wizard.back()
    keys.track_field.set_value("wrong-key-pasted-here")
    wizard.next()
    await settle(lambda: wizard.test.report is not None)
    save(wizard, out, "wizard-4-test-wrong-key")
    wizard.back()
    hosts = services.hosts
    services.hosts = {
        r: Endpoints("http://127.0.0.1:9", "http://127.0.0.1:9", "http://127.0.0.1:9")
        for r in (Region.US, Region.EU)
    }
    wizard.next()
    await settle(lambda: wizard.test.report is not None)
    save(wizard, out, "wizard-5-network-down")
    services.hosts = hosts
    wizard.reject()


async def dark_after_live_switch(window: MainWindow, out: Path) -> None:
    """Choose Dark in Settings (no Save, as a user previewing it), shoot every panel, then switch back."""
    window.tabs.setCurrentIndex(3)
    combo = window.panels["settings"].theme_combo  # type: ignore[attr-defined]
    before = combo.currentIndex()
    for theme in ("dark", None):
        combo.setCurrentIndex(combo.findData(theme) if theme else before)
        combo.activated.emit(combo.currentIndex())
        if theme is None:
            break
        for index, name in enumerate(("lookup", "event-test", "inspector", "settings")):
            window.tabs.setCurrentIndex(index)
            await settle()
            save(window, out, f"dark-0{index + 2}-{name}")
        await views_shots(window, out, prefix="dark-")
    window.tabs.setCurrentIndex(0)
    await settle()


async def views_shots(window: MainWindow, out: Path, prefix: str = "") -> None:
    """Issue 15's four views in the practice workspace: live activity, a person's timeline, usage, keys."""
    tab = MainWindow.panel_index
    stream = window.panels["stream"]
    window.tabs.setCurrentIndex(tab("stream"))
    today = datetime.now().astimezone().date()
    rows = lambda: stream.rows  # type: ignore[attr-defined]  # noqa: E731
    # the practice server's trickle: wait for live activity from today, not only the seeded history
    await settle(lambda: any(r.when and r.when.date() == today for r in rows()), limit_s=40)
    chosen = next(i for i, r in enumerate(rows()) if r.lookup and r.type == "event")
    stream.table.setCurrentCell(chosen, 0)  # type: ignore[attr-defined]
    await settle()
    save(window, out, f"{prefix}10-live-activity")

    window.tabs.setCurrentIndex(tab("lookup"))
    view = window.panels["lookup"].profile_view  # type: ignore[attr-defined]
    view.tabs.setCurrentIndex(view.tab_index("Timeline"))
    canvas = view.timeline.canvas
    await settle(lambda: bool(canvas.shown))
    canvas.setFocus()
    canvas.mark_chosen.emit(canvas.shown[canvas.current])
    await settle()
    save(window, out, f"{prefix}11-timeline")
    view.tabs.setCurrentIndex(0)

    window.tabs.setCurrentIndex(tab("usage"))
    await settle()
    save(window, out, f"{prefix}12-usage")

    window.tabs.setCurrentIndex(tab("settings"))
    box = window.panels["settings"].key_box  # type: ignore[attr-defined]
    await settle(lambda: bool(box.ages))
    save(window, out, f"{prefix}13-key-ages")


async def replace_key_shot(window: MainWindow, out: Path) -> None:
    """The practice workspace's App key replaced with its second key (the dialog after the test passed)."""
    from cio_desktop.models import SecretKind

    box = window.panels["settings"].key_box  # type: ignore[attr-defined]
    box.open_replace(SecretKind.APP_API_KEY)
    await settle(lambda: box.dialog is not None and box.dialog.isVisible())
    dialog = box.dialog
    dialog.second_button.click()
    await dialog.replace()
    await settle()
    save(dialog, out, "14-key-replaced")
    dialog.accept()
    await settle(lambda: "No key is older" in box.summary.text())
    save(window, out, "15-key-ages-after")


async def main_shots(app: QApplication, out: Path, size: tuple[int, int]) -> None:
    with run_in_thread(SandboxOptions()) as sandbox:
        info = sandbox.info
        hosts = {
            Region.US: Endpoints(info.track_url, info.app_url, info.pipelines_url),
            Region.EU: Endpoints(info.track_url_other, info.app_url_other, f"{info.track_url_other}/cdp"),
        }
        services = Services(secrets=SecretStore(session_only=True), hosts=hosts)
        window = MainWindow(services)
        window.resize(*size)
        window.show()
        await window_flows.start(window)
        await settle()
        save(window, out, "01-first-start")

        await wizard_shots(services, sandbox, out, window)

        await window_flows.open_demo(window)
        await settle(lambda: window.workspace is not None and window.workspace.demo)
        lookup = window.panels["lookup"]
        if hasattr(lookup, "query_edit") and hasattr(lookup, "start_search"):
            lookup.query_edit.setText(WELL_KNOWN["email"])
            task = lookup.start_search()
            if task is not None:
                await asyncio.wait([task], timeout=20)
        await settle()
        save(window, out, "02-practice-lookup")
        for index, name in ((1, "03-practice-event-test"), (2, "04-practice-inspector"), (3, "05-settings")):
            window.tabs.setCurrentIndex(index)
            await settle()
            save(window, out, name)
        window.tabs.setCurrentIndex(0)
        await views_shots(window, out)
        await dark_after_live_switch(window, out)
        await replace_key_shot(window, out)

        saved = await services.add_workspace(
            Workspace(name="Acme production", region=Region.US, site_id=info.site_id),
            {SecretKind.TRACK_API_KEY: info.track_api_key, SecretKind.APP_API_KEY: info.app_api_key},
        )
        services.mark_credential(saved, SecretKind.TRACK_API_KEY, verified=True)
        await window_flows.refresh_workspaces(window, select=saved.name)
        await settle()
        save(window, out, "06-workspace-selected")

        task = window.tasks.spawn(window_flows.remove_workspace(window, saved), key="remove")
        await settle(lambda: window.confirm_dialog is not None and window.confirm_dialog.isVisible())
        assert window.confirm_dialog is not None
        save(window.confirm_dialog, out, "07-remove-confirmation")
        window.confirm_dialog.reject()
        await task

        await walkthrough(app, window, services, saved, out, size)

        status = await SecretStore().status()
        dialog = KeyringUnavailableDialog(status, window)
        dialog.open()
        await settle()
        save(dialog, out, "08-keyring-unavailable")
        dialog.reject()

        try:
            raise KeyError("private value")
        except KeyError as exc:
            report = build_report(type(exc), exc, exc.__traceback__)
        error = UnexpectedErrorDialog(report, window)
        error.open()
        await settle()
        save(error, out, "09-unexpected-error")
        error.reject()

        window.close()
        await settle(lambda: window._shutdown_done)
    app.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "resources" / "screenshots"))
    parser.add_argument("--theme", default="light", choices=["light", "dark"])
    parser.add_argument(
        "--size", default="1200x760", help="window size in logical pixels (960x540: 1080p at 200%%)"
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    apply_theme(app, args.theme)
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    failure: list[BaseException] = []

    def run() -> None:
        width, height = (int(v) for v in args.size.split("x"))
        task = asyncio.ensure_future(main_shots(app, out, (width, height)))
        task.add_done_callback(
            lambda t: (failure.append(t.exception()), app.quit()) if t.exception() else None
        )

    QTimer.singleShot(0, run)
    with loop:
        loop.run_forever()
    if failure:
        raise failure[0]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
