"""Per-workspace event templates and the last sent payloads, stored as JSON under the data folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cio_desktop.operations.templates import EventDraft, TemplateStore


def _draft(name: str = "purchased") -> EventDraft:
    return EventDraft(call_type="person_event", body='{"a": 1}', customer_id="ana-001", event_name=name)


def test_templates_are_kept_per_workspace_and_survive_a_restart(cio_home: Path) -> None:
    store = TemplateStore()
    store.save_template("ws-1", "Purchase", _draft())
    store.save_template("ws-1", "Purchase", _draft("bought"))  # same name replaces
    store.save_template("ws-2", "Other", _draft())
    again = TemplateStore()
    ws1 = again.load("ws-1")
    assert [t.name for t in ws1.templates] == ["Purchase"]
    assert ws1.templates[0].draft.event_name == "bought"
    assert [t.name for t in again.load("ws-2").templates] == ["Other"]
    assert again.load("ws-3").templates == []
    assert (cio_home / "data" / "event_templates.json").is_file()
    again.delete_template("ws-1", "Purchase")
    assert TemplateStore().load("ws-1").templates == []


def test_blank_template_name_is_refused() -> None:
    with pytest.raises(ValueError, match="name"):
        TemplateStore().save_template("ws", "  ", _draft())


def test_sent_history_is_newest_first_bounded_and_deduplicated() -> None:
    store = TemplateStore(sent_limit=3)
    start = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    for i in range(5):
        store.record_sent("ws", _draft(f"e{i}"), when=start + timedelta(minutes=i))
    store.record_sent("ws", _draft("e3"), when=start + timedelta(minutes=9))
    sent = TemplateStore().load("ws").sent
    assert [s.draft.event_name for s in sent] == ["e3", "e4", "e2"]
    assert "e3" in sent[0].label()


def test_a_damaged_file_is_moved_aside_and_the_store_starts_empty(cio_home: Path) -> None:
    path = cio_home / "data" / "event_templates.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    store = TemplateStore()
    assert store.load("ws").templates == []
    store.save_template("ws", "T", _draft())
    assert [t.name for t in store.load("ws").templates] == ["T"]
    assert list(path.parent.glob("event_templates.json.corrupt-*"))
