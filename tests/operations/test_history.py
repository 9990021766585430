"""History keyed by workspace id: records stay together across renames; old records match by name."""

from __future__ import annotations

from cio_desktop.api.exchange import Exchange
from cio_desktop.models import Workspace
from cio_desktop.operations.history import belongs_to, records_for, workspace_label


def _record(name: str, workspace_id: str = "") -> Exchange:
    return Exchange(
        id=f"x-{name}-{workspace_id}", workspace=name, workspace_id=workspace_id, method="GET", url="/"
    )


def test_a_renamed_workspace_keeps_its_records_and_shows_its_new_name() -> None:
    acme = Workspace(name="Acme prod", id="w1")
    before_rename = _record("Acme", "w1")
    old_style = _record("Acme prod")  # written before records carried the id
    someone_else = _record("Acme prod", "w2")  # a removed workspace that had the same name
    assert belongs_to(before_rename, acme)
    assert belongs_to(old_style, acme)
    assert not belongs_to(someone_else, acme)
    assert workspace_label(before_rename, [acme]) == "Acme prod"
    assert workspace_label(someone_else, [acme]) == "Acme prod", "an unknown id shows the recorded name"
    records = [before_rename, old_style, someone_else]
    assert records_for(records, "acme PROD", [acme]) == [before_rename, old_style]
    assert records_for(records, "Acme", [acme]) == [before_rename], "a gone name finds what was made under it"
    assert records_for(records, None, [acme]) == records


def test_old_records_without_an_id_still_load() -> None:
    data = _record("Acme", "w1").to_json_dict()
    del data["workspace_id"]
    assert Exchange.from_json_dict(data).workspace_id == ""
