"""The add-workspace wizard against a real sandbox and the real Secret Service: every path a user can take."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizard
from pytestqt.qtbot import QtBot

from cio_desktop.api.regions import Endpoints
from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations.key_check import KeyState
from cio_desktop.operations.services import CredentialState, Services
from cio_desktop.secrets import SERVICE_NAME
from cio_desktop.ui.dialogs.keyring_dialog import KeyringUnavailableDialog
from cio_desktop.ui.dialogs.workspace_wizard import WorkspaceWizard
from cio_desktop.ui.tasks import run_dialog
from tests.ui.a11y_audit import overlap_problems
from tests.ui.conftest import QtAsyncLoop, sandbox_hosts

NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton


def open_wizard(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, workspace: Workspace | None = None
) -> tuple[WorkspaceWizard, asyncio.Task[int]]:
    wizard = WorkspaceWizard(services, workspace=workspace)
    qtbot.addWidget(wizard)
    task = qloop.loop.create_task(run_dialog(wizard))
    qtbot.waitUntil(wizard.isVisible)
    return wizard, task


def click(qtbot: QtBot, wizard: WorkspaceWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def fill_keys(
    qtbot: QtBot,
    wizard: WorkspaceWizard,
    *,
    name: str = "Acme production",
    site: str = "",
    track: str = "",
    app: str = "",
    region: Region = Region.AUTO,
) -> None:
    page = wizard.keys
    qtbot.keyClicks(page.name_edit, name)
    page.site_edit.setText(site)
    page.track_field.edit.setFocus()
    page.track_field.edit.insert(track)  # like a paste
    page.track_field.edit.textEdited.emit(page.track_field.edit.text())
    page.app_field.edit.insert(app)
    page.app_field.edit.textEdited.emit(page.app_field.edit.text())
    page.set_region(region)


def run_test_step(qtbot: QtBot, wizard: WorkspaceWizard) -> None:
    click(qtbot, wizard, NEXT)
    assert wizard.currentPage() is wizard.test
    qtbot.waitUntil(lambda: wizard.test.report is not None, timeout=15000)


def test_good_keys_are_tested_and_saved_to_the_keyring(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    info = sandbox.info
    wizard, task = open_wizard(qtbot, qloop, services)
    assert wizard.intro is not None
    intro = wizard.intro.findChild(QLabel, "wizardIntroText")
    assert "Account Settings → API Credentials" in intro.text()
    assert overlap_problems(wizard) == []
    click(qtbot, wizard, NEXT)
    assert overlap_problems(wizard) == []
    assert not wizard.button(NEXT).isEnabled(), "Next must wait for a name and a key"
    # Pasted keys often carry a trailing newline or spaces: they are dropped.
    fill_keys(qtbot, wizard, site=info.site_id, track=f" {info.track_api_key}\n", app=f"{info.app_api_key}  ")
    assert wizard.keys.track_field.value() == info.track_api_key
    assert not wizard.keys.track_field.is_revealed(), "keys are masked until Reveal is pressed"
    run_test_step(qtbot, wizard)
    track_text = wizard.test.result_labels[SecretKind.TRACK_API_KEY].text()
    app_text = wizard.test.result_labels[SecretKind.APP_API_KEY].text()
    assert track_text.startswith("✔")
    assert "work" in track_text
    assert app_text.startswith("✔")
    assert "United States" in wizard.test.region_label.text()
    click(qtbot, wizard, FINISH)
    assert qloop.run(task) == WorkspaceWizard.DialogCode.Accepted
    saved = wizard.saved_workspace
    assert saved is not None
    assert saved.region is Region.US
    assert saved.name == "Acme production"
    assert keyring.get_password(SERVICE_NAME, f"{saved.id}/track_api_key") == info.track_api_key
    assert keyring.get_password(SERVICE_NAME, f"{saved.id}/app_api_key") == info.app_api_key
    states = qloop.run(services.credential_states(saved))
    assert states == {
        SecretKind.TRACK_API_KEY: CredentialState.VERIFIED,
        SecretKind.APP_API_KEY: CredentialState.VERIFIED,
        SecretKind.PIPELINES_KEY: CredentialState.MISSING,
    }
    assert info.track_api_key not in services.workspaces.path.read_text()
    assert wizard.test.result_labels[SecretKind.PIPELINES_KEY].text().startswith("– Pipelines API key:")


def test_a_pipelines_key_is_masked_tested_and_saved(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    """The optional Pipelines key: masked, tested with a call that stores nothing (the words say so),
    kept in the keyring; a wrong one is named and blocks saving."""
    info = sandbox.info
    wizard, task = open_wizard(qtbot, qloop, services)
    intro = wizard.intro.findChild(QLabel, "wizardIntroText")
    assert "Pipelines API key" in intro.text()
    click(qtbot, wizard, NEXT)
    fill_keys(qtbot, wizard, name="CDP", app=info.app_api_key)
    field = wizard.keys.pipelines_field
    field.edit.insert("not-the-write-key")
    field.edit.textEdited.emit(field.edit.text())
    assert not field.is_revealed()
    run_test_step(qtbot, wizard)
    label = wizard.test.result_labels[SecretKind.PIPELINES_KEY]
    assert label.text().startswith("✖ Pipelines API key:")
    assert "not-the-write-key" not in label.text() + label.toolTip()
    assert not wizard.button(FINISH).isEnabled()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.BackButton), Qt.MouseButton.LeftButton)
    field.set_value(info.pipelines_write_key)
    people = sandbox.inspect(lambda ws: len(ws.people))
    run_test_step(qtbot, wizard)
    assert label.text().startswith("✔ Pipelines API key: The Pipelines API key works")
    assert "stores nothing" in label.text()
    assert sandbox.inspect(lambda ws: len(ws.people)) == people
    click(qtbot, wizard, FINISH)
    assert qloop.run(task) == WorkspaceWizard.DialogCode.Accepted
    saved = wizard.saved_workspace
    assert saved is not None
    stored = keyring.get_password(SERVICE_NAME, f"{saved.id}/pipelines_key")
    assert stored == info.pipelines_write_key
    states = qloop.run(services.credential_states(saved))
    assert states[SecretKind.PIPELINES_KEY] is CredentialState.VERIFIED
    assert info.pipelines_write_key not in services.workspaces.path.read_text()


def test_a_wrong_key_is_named_and_blocks_saving(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    info = sandbox.info
    wizard, task = open_wizard(qtbot, qloop, services)
    click(qtbot, wizard, NEXT)
    fill_keys(qtbot, wizard, site=info.site_id, track="not-the-right-key", app=info.app_api_key)
    run_test_step(qtbot, wizard)
    assert wizard.test.report is not None
    assert wizard.test.report.track.state is KeyState.REJECTED
    track_text = wizard.test.result_labels[SecretKind.TRACK_API_KEY].text()
    assert track_text.startswith("✖")
    assert "rejected" in track_text
    assert "not-the-right-key" not in track_text
    assert wizard.test.result_labels[SecretKind.APP_API_KEY].text().startswith("✔")
    assert "Go Back" in wizard.test.summary_label.text()
    assert not wizard.button(FINISH).isEnabled()
    # Going back and fixing the key makes it work.
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.BackButton), Qt.MouseButton.LeftButton)
    wizard.keys.track_field.set_value(info.track_api_key)
    run_test_step(qtbot, wizard)
    click(qtbot, wizard, FINISH)
    assert qloop.run(task) == WorkspaceWizard.DialogCode.Accepted


@pytest.mark.parametrize("wrong_region", ["redirect", "401"])
def test_the_wrong_region_is_detected_and_corrected(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, make_sandbox: Any, wrong_region: str
) -> None:
    """The user picks EU for a US workspace: the test finds the right region and says so (whether the
    other region's host redirects, as documented, or refuses with 401)."""
    sandbox = make_sandbox(wrong_region=wrong_region)
    services.hosts = sandbox_hosts(sandbox)
    info = sandbox.info
    wizard, task = open_wizard(qtbot, qloop, services)
    click(qtbot, wizard, NEXT)
    fill_keys(qtbot, wizard, app=info.app_api_key, region=Region.EU)
    run_test_step(qtbot, wizard)
    report = wizard.test.report
    assert report is not None
    assert report.app.state is KeyState.WORKS
    assert "You chose EU" in wizard.test.region_label.text()
    assert wizard.keys.region() is Region.US, "the region choice follows what Customer.io said"
    click(qtbot, wizard, FINISH)
    assert qloop.run(task) == WorkspaceWizard.DialogCode.Accepted
    assert wizard.saved_workspace is not None
    assert wizard.saved_workspace.region is Region.US


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_network_down_says_so_and_still_allows_saving(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    down = f"http://127.0.0.1:{_closed_port()}"
    services.hosts = {Region.US: Endpoints(down, down, down), Region.EU: Endpoints(down, down, down)}
    wizard, task = open_wizard(qtbot, qloop, services)
    click(qtbot, wizard, NEXT)
    fill_keys(qtbot, wizard, site="site123", track="track-key-123", app="app-key-123")
    run_test_step(qtbot, wizard)
    assert wizard.test.banner.isVisible()
    assert "could not be reached" in wizard.test.banner.message()
    assert "proxy" in wizard.test.banner.hint_label.text()
    for kind in (SecretKind.TRACK_API_KEY, SecretKind.APP_API_KEY):
        assert wizard.test.result_labels[kind].text().startswith("?")
    assert wizard.test.result_labels[SecretKind.PIPELINES_KEY].text().startswith("–"), "not given"
    assert wizard.button(FINISH).isEnabled(), "saving untested keys is allowed when offline"
    click(qtbot, wizard, FINISH)
    assert qloop.run(task) == WorkspaceWizard.DialogCode.Accepted
    saved = wizard.saved_workspace
    assert saved is not None
    states = qloop.run(services.credential_states(saved))
    assert states.pop(SecretKind.PIPELINES_KEY) is CredentialState.MISSING  # none was pasted
    assert set(states.values()) == {CredentialState.PRESENT}


def test_edit_keeps_saved_keys_and_reveals_only_on_request(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    info = sandbox.info
    workspace = qloop.run(
        services.add_workspace(
            Workspace(name="Acme", site_id=info.site_id, region=Region.US),
            {SecretKind.TRACK_API_KEY: info.track_api_key, SecretKind.APP_API_KEY: info.app_api_key},
        )
    )
    wizard, task = open_wizard(qtbot, qloop, services, workspace)
    assert wizard.currentPage() is wizard.keys
    assert overlap_problems(wizard) == [], "no page may paint over another (issue 12)"
    qtbot.waitUntil(lambda: bool(wizard.keys.has_saved.get(SecretKind.TRACK_API_KEY)))
    assert wizard.keys.track_field.value() == "", "a saved key is not shown by default"
    assert "Saved key kept" in wizard.keys.track_field.edit.placeholderText()
    qtbot.mouseClick(wizard.keys.track_field.reveal_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.keys.track_field.value() == info.track_api_key)
    assert wizard.keys.track_field.is_revealed()
    wizard.keys.name_edit.setText("Acme (renamed)")
    run_test_step(qtbot, wizard)
    assert overlap_problems(wizard) == []
    click(qtbot, wizard, FINISH)
    assert qloop.run(task) == WorkspaceWizard.DialogCode.Accepted
    [saved] = services.workspaces.list()
    assert (saved.name, saved.id) == ("Acme (renamed)", workspace.id)
    assert keyring.get_password(SERVICE_NAME, f"{saved.secrets_id}/app_api_key") == info.app_api_key


@pytest.mark.usefixtures("sandbox")
def test_keyring_unavailable_offers_keep_for_this_session(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, fail_keyring: Any
) -> None:
    wizard, task = open_wizard(qtbot, qloop, services)
    click(qtbot, wizard, NEXT)
    fill_keys(qtbot, wizard, app="app-key-123")
    down = f"http://127.0.0.1:{_closed_port()}"
    services.hosts = {Region.US: Endpoints(down, down, down), Region.EU: Endpoints(down, down, down)}
    run_test_step(qtbot, wizard)
    click(qtbot, wizard, FINISH)
    qtbot.waitUntil(lambda: wizard.findChild(KeyringUnavailableDialog) is not None, timeout=10000)
    dialog = wizard.findChild(KeyringUnavailableDialog)
    assert "session only" in dialog.session_button.text()
    qtbot.mouseClick(dialog.session_button, Qt.MouseButton.LeftButton)
    assert qloop.run(task) == WorkspaceWizard.DialogCode.Accepted
    saved = wizard.saved_workspace
    assert saved is not None
    assert qloop.run(services.load_secrets(saved)) == {SecretKind.APP_API_KEY: "app-key-123"}


def test_a_name_already_in_use_is_refused_before_testing(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, sandbox: Any
) -> None:
    qloop.run(services.add_workspace(Workspace(name="Acme"), {SecretKind.APP_API_KEY: "k"}))
    wizard, _task = open_wizard(qtbot, qloop, services)
    click(qtbot, wizard, NEXT)
    fill_keys(qtbot, wizard, name="acme", app="some-key")
    assert not wizard.button(NEXT).isEnabled()
    assert "already a workspace called" in wizard.keys.problem_label.text()
    wizard.reject()


def test_a_slow_test_can_be_cancelled(
    qtbot: QtBot, qloop: QtAsyncLoop, services: Services, make_sandbox: Any
) -> None:
    slow = make_sandbox(faults=["latency=3"])
    services.hosts = sandbox_hosts(slow)
    wizard, _task = open_wizard(qtbot, qloop, services)
    click(qtbot, wizard, NEXT)
    fill_keys(qtbot, wizard, app=slow.info.app_api_key)
    click(qtbot, wizard, NEXT)
    qtbot.waitUntil(wizard.test.busy.isVisible)
    assert "Testing your keys" in wizard.test.busy.text()
    assert wizard.test.retest_button.isHidden(), "only Cancel while the test runs (issue 12)"
    qtbot.mouseClick(wizard.test.busy.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cancelled" in wizard.test.summary_label.text(), timeout=2000)
    assert not wizard.test.busy.isVisible()
    assert wizard.test.retest_button.isVisible()
    assert not wizard.button(FINISH).isEnabled()
    wizard.reject()
