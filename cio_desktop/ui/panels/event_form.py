"""The event panel's form: the API (Track or Pipelines), the call type, the plain fields it needs, the JSON
editor, templates and history.

Signals:
    send_requested(): the user pressed Send (only possible when the form is ready).
    save_template_requested(): "Save as template…" was pressed.
    delete_template_requested(str): delete the named template.

Holds no network or file code: the panel reads ``draft()`` and fills ``set_templates``/``set_history``.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cio_desktop.json_check import JsonCheck
from cio_desktop.operations.pipelines_send import PIPELINES_SPECS, PipelinesSpec
from cio_desktop.operations.send import (
    SPECS,
    CallSpec,
    CallType,
    check_body,
    default_draft,
    form_spec,
    missing_fields,
    spec_for,
)
from cio_desktop.operations.templates import EventDraft, EventTemplate, SentPayload
from cio_desktop.ui.panels.event_api_choice import API_HELP, PipelinesIdRows, api_combo
from cio_desktop.ui.panels.json_editor import JsonEditor
from cio_desktop.ui.widgets.clear_button import add_clear_button


class EventForm(QWidget):
    """Everything needed to describe one call, with Send enabled only when it is complete and valid.

    Signals:
        send_requested()
        save_template_requested()
        delete_template_requested(str)
    """

    send_requested = Signal()
    save_template_requested = Signal()
    delete_template_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventForm")
        self._templates: list[EventTemplate] = []
        self._history: list[SentPayload] = []
        self._sending = False

        self.api_combo = api_combo(self)
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("eventTypeCombo")
        self.type_combo.setAccessibleName("What to send")
        self._fill_types()
        self.help_label = QLabel(self)
        self.help_label.setObjectName("eventTypeHelp")
        self.help_label.setWordWrap(True)

        self.customer_edit = self._line_edit(
            "eventCustomerId", "Customer ID or email", "e.g. demo-ada or ada@example.com"
        )
        self.name_edit = self._line_edit("eventName", "Event name", "")
        self.anonymous_edit = self._line_edit("eventAnonymousId", "Anonymous ID", "e.g. visitor-1234")
        self.form = QFormLayout()
        self.customer_label = QLabel("&Customer ID or email:", self)
        self.name_label = QLabel("Event &name:", self)
        self.anonymous_label = QLabel("&Anonymous ID:", self)
        self.pipelines_rows = PipelinesIdRows(self)
        self.group_edit = self.pipelines_rows.group_edit
        self.previous_edit = self.pipelines_rows.previous_edit
        for label, edit in (
            (self.customer_label, self.customer_edit),
            (self.name_label, self.name_edit),
            (self.anonymous_label, self.anonymous_edit),
            *self.pipelines_rows.rows(),
        ):
            label.setBuddy(edit)
            self.form.addRow(label, edit)

        self.body_label = QLabel(self)
        self.editor = JsonEditor(self, name="eventJsonEditor")
        self.body_label.setBuddy(self.editor.editor)
        self.editor.set_checker(self._check_text)

        self.template_combo = QComboBox(self)
        self.template_combo.setObjectName("eventTemplateCombo")
        self.template_combo.setAccessibleName("Templates: load a saved one")
        self.template_combo.activated.connect(self._on_template_combo_activated)
        self.save_template_button = QPushButton("Save…", self)
        self.save_template_button.setToolTip("Save this form as a template for this workspace")
        self.save_template_button.setObjectName("eventSaveTemplateButton")
        self.save_template_button.setAccessibleName("Save this form as a template")
        self.save_template_button.clicked.connect(self.save_template_requested)
        self.delete_template_button = QPushButton("Delete", self)
        self.delete_template_button.setObjectName("eventDeleteTemplateButton")
        self.delete_template_button.setAccessibleName("Delete the selected template")
        self.delete_template_button.clicked.connect(self._on_delete_template_clicked)
        self.history_combo = QComboBox(self)
        self.history_combo.setObjectName("eventHistoryCombo")
        self.history_combo.setAccessibleName("Recently sent: load a payload sent earlier")
        self.history_combo.activated.connect(self._on_history_combo_activated)

        self.send_button = QPushButton("Send", self)
        self.send_button.setObjectName("eventSendButton")
        self.send_button.setAccessibleName("Send to Customer.io")
        self.send_button.setToolTip("Send this call to the workspace (Ctrl+Enter)")
        self.send_button.clicked.connect(self._on_send_clicked)
        self.send_button.setMinimumWidth(140)
        font = self.send_button.font()
        font.setBold(True)
        self.send_button.setFont(font)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._on_send_clicked)
        self.send_hint = QLabel(self)
        self.send_hint.setObjectName("eventSendHint")
        self.send_hint.setAccessibleName("Why Send is not available")
        self.send_hint.setWordWrap(True)

        api_label = QLabel("Send w&ith:", self)
        api_label.setBuddy(self.api_combo)
        api_row = QHBoxLayout()
        api_row.addWidget(api_label)
        api_row.addWidget(self.api_combo, 1)
        type_label = QLabel("&What to send:", self)
        type_label.setBuddy(self.type_combo)
        templates = QHBoxLayout()
        templates_label = QLabel("&Templates:", self)
        templates_label.setBuddy(self.template_combo)
        templates.addWidget(templates_label)
        templates.addWidget(self.template_combo, 1)
        templates.addWidget(self.save_template_button)
        templates.addWidget(self.delete_template_button)
        history = QHBoxLayout()
        history_label = QLabel("Recently &sent:", self)
        history_label.setBuddy(self.history_combo)
        history.addWidget(history_label)
        history.addWidget(self.history_combo, 1)
        send_row = QHBoxLayout()
        send_row.addWidget(self.send_hint, 1)
        send_row.addWidget(self.send_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(api_row)
        layout.addWidget(type_label)
        layout.addWidget(self.type_combo)
        layout.addWidget(self.help_label)
        layout.addLayout(self.form)
        layout.addWidget(self.body_label)
        layout.addWidget(self.editor, 1)
        layout.addLayout(send_row)
        layout.addLayout(templates)
        layout.addLayout(history)

        # Tab follows reading order: Send sits above the template and history rows.
        chain: list[QWidget] = [self.editor.tidy_button, self.send_button, self.template_combo]
        chain += [self.save_template_button, self.delete_template_button, self.history_combo]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)
        # Long item texts must not make the form wide: the request/response side needs the room.
        for combo in (self.api_combo, self.type_combo, self.template_combo, self.history_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        self.api_combo.currentIndexChanged.connect(self._on_api_changed)
        self.type_combo.currentIndexChanged.connect(self._on_type_changed)
        for edit in (
            self.customer_edit,
            self.name_edit,
            self.anonymous_edit,
            self.group_edit,
            self.previous_edit,
        ):
            edit.textChanged.connect(self.update_send_state)
        self.editor.validity_changed.connect(self.update_send_state)
        self.set_templates([])
        self.set_history([])
        self._apply_spec()

    def _line_edit(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        add_clear_button(edit)  # named "Clear"
        return edit

    # -- draft -------------------------------------------------------------------------------------

    def api(self) -> str:
        """The chosen API: ``"track"`` or ``"pipelines"``."""
        return str(self.api_combo.currentData() or "track")

    def call_type(self) -> CallType:
        """The chosen Track call (a person event while the Pipelines API is chosen)."""
        return spec_for(self.type_combo.currentData() or "").call_type

    def spec(self) -> CallSpec | PipelinesSpec:
        """How the chosen call is presented (a Track ``CallSpec`` or a ``PipelinesSpec``)."""
        return form_spec(
            EventDraft(call_type=str(self.type_combo.currentData() or ""), body="", api=self.api())
        )

    def draft(self) -> EventDraft:
        """What the form describes now."""
        pipelines = self.api() == "pipelines"
        return EventDraft(
            call_type=self.spec().call_type.value,
            body=self.editor.text(),
            customer_id=self.customer_edit.text().strip(),
            event_name=self.name_edit.text().strip(),
            anonymous_id=self.anonymous_edit.text().strip(),
            api=self.api(),
            group_id=self.group_edit.text().strip() if pipelines else "",
            previous_id=self.previous_edit.text().strip() if pipelines else "",
        )

    def set_draft(self, draft: EventDraft) -> None:
        """Fill the form from ``draft`` (API, type, fields and JSON)."""
        self.api_combo.setCurrentIndex(max(self.api_combo.findData(draft.api), 0))
        index = self.type_combo.findData(form_spec(draft).call_type.value)
        self.type_combo.setCurrentIndex(max(index, 0))
        self.customer_edit.setText(draft.customer_id)
        self.name_edit.setText(draft.event_name)
        self.anonymous_edit.setText(draft.anonymous_id)
        self.group_edit.setText(draft.group_id)
        self.previous_edit.setText(draft.previous_id)
        self.editor.set_text(draft.body)
        self.update_send_state()

    def problems(self) -> list[str]:
        """Plain sentences saying what still stops Send (empty when ready)."""
        found = missing_fields(self.draft())
        if self.editor.check.problem is not None:
            found.insert(0, "Fix the JSON mistake named above to send.")
        return found

    def set_sending(self, sending: bool) -> None:
        """While a send is in flight, Send stays disabled."""
        self._sending = sending
        self.update_send_state()

    def update_send_state(self, *_args: object) -> None:
        problems = self.problems()
        self.send_button.setEnabled(not problems and not self._sending)
        self.send_hint.setText(problems[0] if problems else "")

    # -- templates and history ---------------------------------------------------------------------

    def set_templates(self, templates: list[EventTemplate]) -> None:
        self._templates = list(templates)
        self.template_combo.clear()
        self.template_combo.addItem("Choose…" if templates else "None saved yet", "")
        for template in templates:
            self.template_combo.addItem(template.name, template.name)
        self.delete_template_button.setEnabled(bool(templates))

    def set_history(self, sent: list[SentPayload]) -> None:
        self._history = list(sent)
        self.history_combo.clear()
        self.history_combo.addItem("Load something sent earlier…" if sent else "Nothing sent yet", -1)
        for n, entry in enumerate(sent):
            self.history_combo.addItem(entry.label(), n)

    def load_template(self, name: str) -> bool:
        for template in self._templates:
            if template.name == name:
                self.set_draft(template.draft)
                return True
        return False

    # -- slots -------------------------------------------------------------------------------------

    def _check_text(self, text: str) -> JsonCheck:
        return check_body(
            EventDraft(call_type=self.type_combo.currentData() or "", body=text, api=self.api())
        )

    def _fill_types(self) -> None:
        """List the chosen API's calls in the type drop-down (without signalling a change)."""
        specs: list[CallSpec | PipelinesSpec] = list(
            PIPELINES_SPECS.values() if self.api() == "pipelines" else SPECS.values()
        )
        blocked = self.type_combo.blockSignals(True)
        self.type_combo.clear()
        for spec in specs:
            self.type_combo.addItem(spec.title, spec.call_type.value)
        self.type_combo.blockSignals(blocked)

    def _apply_spec(self) -> None:
        spec = self.spec()
        self.help_label.setText(f"{spec.help}\n{API_HELP[self.api()]}")
        pipelines = isinstance(spec, PipelinesSpec)
        group = isinstance(spec, PipelinesSpec) and spec.shows_group
        previous = isinstance(spec, PipelinesSpec) and spec.shows_previous
        self.customer_label.setText(f"&{spec.customer_label}:")
        self.customer_edit.setAccessibleName(spec.customer_label)
        self.anonymous_label.setText("&Anonymous ID (anonymousId):" if pipelines else "&Anonymous ID:")
        self.anonymous_edit.setAccessibleName("Anonymous ID (anonymousId)" if pipelines else "Anonymous ID")
        self.pipelines_rows.show_for(group=group, previous=previous)
        self.customer_label.setVisible(spec.needs_customer)
        self.customer_edit.setVisible(spec.needs_customer)
        self.name_label.setVisible(spec.name_label is not None)
        self.name_edit.setVisible(spec.name_label is not None)
        if spec.name_label:
            self.name_label.setText(f"{spec.name_label.replace('name', '&name', 1)}:")
            self.name_edit.setAccessibleName(spec.name_label)
            self.name_edit.setPlaceholderText(f"e.g. {spec.default_name}")
        self.anonymous_label.setVisible(spec.needs_anonymous)
        self.anonymous_edit.setVisible(spec.needs_anonymous)
        self.body_label.setText(f"{spec.body_label}:")
        self.editor.editor.setAccessibleName(f"{spec.body_label} (JSON)")  # the name starts with the label
        self.editor.revalidate()
        self.update_send_state()

    def _on_api_changed(self, _index: int) -> None:
        self._fill_types()
        self._on_type_changed(0)

    def _on_type_changed(self, _index: int) -> None:
        spec = self.spec()
        defaults: list[CallSpec | PipelinesSpec] = [*SPECS.values(), *PIPELINES_SPECS.values()]
        body_matches = any(s.default_body == self.editor.text() for s in defaults)
        if self.name_edit.text().strip() in {s.default_name for s in defaults if s.default_name}:
            self.name_edit.clear()  # a default name of another call: take this call's default
        if body_matches or not self.editor.text().strip():
            self.editor.set_text(spec.default_body)  # keep what the user typed, replace only a default
        if spec.name_label and not self.name_edit.text().strip():
            self.name_edit.setText(spec.default_name)
        if isinstance(spec, CallSpec) and spec.needs_anonymous and not self.anonymous_edit.text().strip():
            self.anonymous_edit.setText(default_draft(spec.call_type).anonymous_id)
        self._apply_spec()

    def _on_send_clicked(self) -> None:
        if self.send_button.isEnabled():
            self.send_requested.emit()

    def _on_template_combo_activated(self, index: int) -> None:
        name = self.template_combo.itemData(index)
        if name:
            self.load_template(str(name))

    def _on_delete_template_clicked(self) -> None:
        name = self.template_combo.currentData()
        if name:
            self.delete_template_requested.emit(str(name))

    def _on_history_combo_activated(self, index: int) -> None:
        n = self.history_combo.itemData(index)
        if isinstance(n, int) and 0 <= n < len(self._history):
            self.set_draft(self._history[n].draft)
