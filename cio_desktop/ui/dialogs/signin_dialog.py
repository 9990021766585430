"""SignInDialog: waits for a browser sign-in, with Cancel, Copy link and Paste address.

``sign_in_with_dialog`` runs ``oauth.signin.sign_in`` and shows this dialog while it waits: the address
the browser was sent to (read-only, with Copy link for when no browser opened), Paste address for a
browser that ended on an address this computer could not load (remote desktop, WSL), and Cancel. It
returns the stored sign-in record, or None when the user cancelled; other failures are raised in plain
words for the caller's banner.
"""

from __future__ import annotations

import asyncio
import contextlib

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.models import Workspace
from cio_desktop.oauth.errors import OAuthError, SignInCancelled
from cio_desktop.oauth.flow import Opener, SignInFlow, system_browser
from cio_desktop.oauth.registration import ClientRegistry
from cio_desktop.oauth.signin import SignInHooks, SignInTarget, sign_in
from cio_desktop.oauth.token_store import SessionRecord, TokenStore, oauth_owner
from cio_desktop.operations.services import Services
from cio_desktop.ui.tasks import run_dialog

ISSUER_LABEL = (
    "The authorization server's issuer URL. Its sign-in page opens in your browser; the access token is then "
    "used for this workspace's App API calls when no App API key is stored."
)


class SignInDialog(QDialog):
    """The waiting dialog. ``cancel_button`` ends the sign-in; the dialog closes itself when it ends."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(title)
        self.flow: SignInFlow | None = None
        self.task: asyncio.Task[object] | None = None
        self.message = QLabel("Opening your browser to sign in…", self)
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("signInUrl")
        self.url_edit.setReadOnly(True)
        self.url_edit.setAccessibleName("Sign-in address")
        self.url_edit.setPlaceholderText("Preparing the sign-in address…")
        self.copy_button = QPushButton("Copy link", self)
        self.copy_button.setObjectName("signInCopyButton")
        self.copy_button.setAccessibleName("Copy link to the sign-in page")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self._copy)
        self.paste_button = QPushButton("Paste address", self)
        self.paste_button.setObjectName("signInPasteButton")
        self.paste_button.setAccessibleName("Paste address the browser ended on")
        self.paste_button.setToolTip(
            "If the browser ended on an address that does not load (a remote desktop, WSL), copy that "
            "address and press this button."
        )
        self.paste_button.setEnabled(False)
        self.paste_button.clicked.connect(self._paste)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("signInCancelButton")
        self.cancel_button.setAccessibleName("Cancel sign-in")
        self.cancel_button.clicked.connect(self.cancel)
        self.status = QLabel("", self)
        self.status.setObjectName("signInStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.paste_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.url_edit)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(560, 180)

    def attach(self, flow: SignInFlow) -> None:
        self.flow = flow
        self.paste_button.setEnabled(True)

    def show_url(self, url: str) -> None:
        self.url_edit.setText(url)
        self.url_edit.setCursorPosition(0)
        self.copy_button.setEnabled(True)
        self.message.setText(
            "Finish signing in in your browser; this window closes by itself (within 5 minutes). "
            "If no browser opened, copy the link into one."
        )

    def cancel(self) -> None:
        """End the sign-in (the flow's cancel; before the flow exists, the task's)."""
        if self.flow is not None:
            self.flow.cancel()
        elif self.task is not None:
            self.task.cancel()

    def reject(self) -> None:  # Escape and the window's close button cancel too
        self.cancel()
        super().reject()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.url_edit.text())
        self.status.setText("The link was copied.")

    def _paste(self) -> None:
        if self.flow is None:
            return
        text = QGuiApplication.clipboard().text().strip()
        if not text:
            self.status.setText("The clipboard is empty: copy the address the browser ended on first.")
            return
        try:
            self.flow.submit_pasted(text)
        except OAuthError as exc:
            self.status.setText(f"{exc.message} Still waiting.")


async def sign_in_with_dialog(
    parent: QWidget | None,
    services: Services,
    owner: str,
    target: SignInTarget,
    *,
    title: str,
    region: str | None = None,
    opener: Opener = system_browser,
    registry: ClientRegistry | None = None,
) -> SessionRecord | None:
    """Sign ``owner`` in while the waiting dialog shows; None when cancelled (here or in the browser)."""
    dialog = SignInDialog(title, parent)

    async def open_and_show(url: str) -> bool:
        dialog.show_url(url)
        return await opener(url)

    hooks = SignInHooks(opener=open_and_show, started=dialog.attach)
    task: asyncio.Task[SessionRecord] = asyncio.ensure_future(
        sign_in(services.secrets, owner, target, hooks, registry=registry, region=region)
    )
    dialog.task = task
    dialog.open()
    try:
        return await task
    except (SignInCancelled, asyncio.CancelledError):
        if not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
        return None
    finally:
        dialog.done(QDialog.DialogCode.Accepted)
        dialog.deleteLater()
        if parent is not None:  # back from the browser: bring the app to the front
            parent.raise_()
            parent.activateWindow()


async def sign_in_workspace(
    parent: QWidget, services: Services, workspace: Workspace, *, opener: Opener | None = None
) -> SessionRecord | None:
    """ "Sign in with OAuth" for one workspace: ask for the issuer (the last one prefilled), then sign in.
    None when the user cancelled; failures raise in plain words."""
    owner = oauth_owner(workspace.id)
    stored = await TokenStore(services.secrets).load(owner)
    dialog = QInputDialog(parent)
    dialog.setObjectName("issuerDialog")
    dialog.setWindowTitle(f"Sign in with OAuth: {workspace.name}")
    dialog.setLabelText(ISSUER_LABEL)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setTextValue(stored.record.issuer if stored is not None else "")
    if await run_dialog(dialog) != QInputDialog.DialogCode.Accepted:
        return None
    issuer = dialog.textValue().strip()
    if not issuer:
        return None
    return await sign_in_with_dialog(
        parent,
        services,
        owner,
        SignInTarget(issuer=issuer),
        title=f"Sign in with OAuth: {workspace.name}",
        opener=opener or system_browser,
    )
