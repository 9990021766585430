"""WorkspaceWizard: add (or edit) a workspace: explain, paste keys, test them, save them to the keyring.

Open it with ``await run_dialog(wizard)``; after ``Accepted``, ``wizard.saved_workspace`` is the stored
workspace. The test runs when the Test page opens ("latest wins" with Test again); saving happens before
the dialog closes so a keyring problem is shown in the wizard itself.
"""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QWidget, QWizard

from cio_desktop.errors import CioDesktopError
from cio_desktop.models import SecretKind, Workspace
from cio_desktop.operations.key_check import KeyState
from cio_desktop.operations.services import API_KINDS, BackendState, CredentialState, Services
from cio_desktop.ui.dialogs.wizard_pages import IntroPage, KeysPage, TestPage
from cio_desktop.ui.tasks import TaskKeeper, run_dialog

KEPT_PLACEHOLDER = "Saved key kept (paste a new one to replace it, or press Reveal to see it)"


class WorkspaceWizard(QWizard):
    """Add a workspace, or edit ``workspace`` when given (then empty key fields keep the saved keys)."""

    def __init__(
        self, services: Services, parent: QWidget | None = None, *, workspace: Workspace | None = None
    ):
        super().__init__(parent)
        self.services = services
        self.editing = workspace
        self.saved_workspace: Workspace | None = None
        self.tasks = TaskKeeper()
        self.setObjectName("workspaceWizard")
        self.setWindowTitle("Edit workspace" if workspace else "Add a workspace")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        # The intro page exists only when adding: a page built as the wizard's child but never added stays a
        # visible child of the dialog and paints its text over the form (issue 12, the edit path).
        self.intro: IntroPage | None = IntroPage(self) if workspace is None else None
        self.keys = KeysPage(self)
        self.test = TestPage(self)
        if self.intro is not None:
            self.addPage(self.intro)
        self.addPage(self.keys)
        self.addPage(self.test)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Save workspace")
        self.setButtonText(QWizard.WizardButton.NextButton, "Next")
        for which, name, words in (
            (QWizard.WizardButton.NextButton, "wizardNextButton", "Next step"),
            (QWizard.WizardButton.BackButton, "wizardBackButton", "Back (previous step)"),
            (QWizard.WizardButton.FinishButton, "wizardFinishButton", "Save workspace"),
            (QWizard.WizardButton.CancelButton, "wizardCancelButton", "Cancel"),
        ):
            self.button(which).setObjectName(name)
            self.button(which).setAccessibleName(words)
        self.currentIdChanged.connect(self._on_current_id_changed)
        self.test.retest_requested.connect(self.start_test)
        self.keys.reveal_saved_requested.connect(self._on_keys_reveal_saved_requested)
        self.keys.oauth_requested.connect(lambda: self.tasks.spawn(self._sign_in_with_oauth(), key="oauth"))
        # A sign-in belongs to a stored workspace: offered when editing (add it first, then Edit…).
        self.keys.oauth_button.setVisible(workspace is not None)
        self.keys.taken_names = {
            known.name.casefold()
            for known in services.known_workspaces()
            if workspace is None or known.id != workspace.id
        }
        if workspace is not None:
            self._prefill(workspace)
        self.resize(600, 480)

    def _prefill(self, workspace: Workspace) -> None:
        self.keys.name_edit.setText(workspace.name)
        self.keys.site_edit.setText(workspace.site_id or "")
        self.keys.set_region(workspace.region)
        self.tasks.spawn(self._load_saved_flags(workspace), key="flags")

    async def _load_saved_flags(self, workspace: Workspace) -> None:
        with_secret = await self.services.credential_states(workspace)
        for kind, field in (
            (SecretKind.TRACK_API_KEY, self.keys.track_field),
            (SecretKind.APP_API_KEY, self.keys.app_field),
            (SecretKind.PIPELINES_KEY, self.keys.pipelines_field),
        ):
            saved = with_secret.get(kind, CredentialState.MISSING) is not CredentialState.MISSING
            self.keys.has_saved[kind] = saved
            field.set_placeholder(KEPT_PLACEHOLDER if saved else "Not set: paste a key to add one")
        from cio_desktop.oauth.token_store import oauth_owner

        owner = oauth_owner(workspace.id)
        signed_in = bool(await self.services.secrets.get(owner, SecretKind.OAUTH_SESSION))
        self.keys.has_saved[SecretKind.OAUTH_SESSION] = signed_in
        if signed_in:
            self.keys.oauth_label.setText(
                "Signed in with OAuth: App API calls use the token when no key is set."
            )
        self.keys.completeChanged.emit()

    async def _sign_in_with_oauth(self) -> None:
        """ "Sign in with OAuth instead": the issuer, the browser, then the token serves the App API."""
        from cio_desktop.ui.dialogs.signin_dialog import sign_in_workspace

        assert self.editing is not None
        opener = getattr(self.parentWidget(), "browser_opener", None)
        try:
            record = await sign_in_workspace(self, self.services, self.editing, opener=opener)
        except CioDesktopError as exc:
            self.keys.oauth_label.setText(exc.message)
            return
        from cio_desktop.oauth.token_store import oauth_owner

        self.services.token_sources.forget(oauth_owner(self.editing.id))
        if record is None:
            return
        self.keys.has_saved[SecretKind.OAUTH_SESSION] = True
        self.keys.oauth_label.setText(
            f"Signed in with OAuth at {record.issuer}: App API calls use the token."
        )
        self.keys.completeChanged.emit()

    # ---- collected values ---------------------------------------------------------------------------
    def draft(self) -> Workspace:
        """The workspace as typed (region as chosen; the test may change it)."""
        fields = {
            "name": self.keys.name_edit.text().strip(),
            "site_id": self.keys.site_edit.text().strip() or None,
            "region": self.keys.region(),
        }
        if self.editing is not None:
            return self.editing.replace(**fields)
        return Workspace(**fields)  # type: ignore[arg-type]  # keys match the dataclass fields

    def typed_secrets(self) -> dict[SecretKind, str]:
        typed = {
            SecretKind.TRACK_API_KEY: self.keys.track_field.value(),
            SecretKind.APP_API_KEY: self.keys.app_field.value(),
            SecretKind.PIPELINES_KEY: self.keys.pipelines_field.value(),
        }
        return {kind: value for kind, value in typed.items() if value}

    async def effective_secrets(self) -> dict[SecretKind, str]:
        """Typed keys, falling back to the saved ones when editing."""
        secrets = await self.services.load_secrets(self.editing) if self.editing is not None else {}
        secrets.update(self.typed_secrets())
        return secrets

    # ---- test ---------------------------------------------------------------------------------------
    def _on_current_id_changed(self, _page_id: int) -> None:
        if self.currentPage() is self.test:
            self.start_test()
        else:
            self.tasks.cancel("test")

    def start_test(self) -> asyncio.Task[None]:
        self.test.clear()
        task = self.tasks.spawn(self.run_test(), key="test")
        self.test.busy.track(task, "Testing your keys with Customer.io…")
        task.add_done_callback(self._on_test_task_done)
        self.test.completeChanged.emit()
        return task

    def _on_test_task_done(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() and self.isVisible() and self.test.report is None:
            self.test.summary_label.setText("The test was cancelled. Press Test again to run it.")
        self.test.completeChanged.emit()

    async def run_test(self) -> None:
        try:
            report = await self.services.check_credentials(self.draft(), await self.effective_secrets())
        except CioDesktopError as exc:  # e.g. the saved keys could not be read from the keyring
            self.test.busy.stop()
            self.test.banner.show_error(exc)
            return
        self.test.busy.stop()
        if report.workspace.region is not self.keys.region() and report.reached:
            self.keys.set_region(report.workspace.region)
        self.test.show_report(report)

    # ---- save ---------------------------------------------------------------------------------------
    def accept(self) -> None:
        """Finish: save first (async), close only when it worked."""
        if self.saved_workspace is not None:
            super().accept()
            return
        if not self.tasks.running("save"):
            task = self.tasks.spawn(self.save(), key="save")
            self.test.busy.track(task, "Saving to your keyring…", cancellable=False)

    async def save(self) -> None:
        report = self.test.report
        workspace = report.workspace if report is not None and report.reached else self.draft()
        workspace = workspace.replace(name=self.draft().name, site_id=self.draft().site_id)
        try:
            if not await self._keyring_ok():
                return
            if self.editing is None:
                saved = await self.services.add_workspace(workspace, self.typed_secrets())
            else:
                changes: dict[SecretKind, str | None] = dict(self.typed_secrets())
                saved = await self.services.update_workspace(workspace, changes)
        except CioDesktopError as exc:
            self.test.banner.show_error(exc)
            return
        if report is not None:
            for check in report.checks():
                if check.state in (KeyState.WORKS, KeyState.REJECTED) and check.kind in API_KINDS:
                    self.services.mark_credential(saved, check.kind, verified=check.state is KeyState.WORKS)
        self.saved_workspace = saved
        super().accept()

    async def _keyring_ok(self) -> bool:
        """Secure keyring, or the user chose "keep for this session only"."""
        status = await self.services.keyring_status()
        if status.state in (BackendState.SECURE, BackendState.SESSION_ONLY):
            return True
        from cio_desktop.ui.dialogs.keyring_dialog import KeyringUnavailableDialog

        dialog = KeyringUnavailableDialog(status, self)
        if await run_dialog(dialog) == KeyringUnavailableDialog.DialogCode.Accepted:
            self.services.keep_keys_for_session()
            return True
        self.test.banner.show_message("The workspace was not saved.", level="warning", hint=status.message)
        return False

    def _on_keys_reveal_saved_requested(self, kind: SecretKind) -> None:
        if self.editing is not None:
            self.tasks.spawn(self._reveal_saved(kind), key=f"reveal-{kind}")

    async def _reveal_saved(self, kind: SecretKind) -> None:
        assert self.editing is not None
        value = (await self.services.load_secrets(self.editing)).get(kind)
        field = {
            SecretKind.TRACK_API_KEY: self.keys.track_field,
            SecretKind.APP_API_KEY: self.keys.app_field,
            SecretKind.PIPELINES_KEY: self.keys.pipelines_field,
        }[kind]
        if value:
            field.reveal(value)

    def done(self, result: int) -> None:
        for key in ("test", "flags"):
            self.tasks.cancel(key)
        super().done(result)
