"""Hostile ``workspaces.json`` and ``settings.json`` (attacker finding: 100k-deep nesting, a 5,000-digit
number, a lone surrogate escape in a name and a folder in place of the file crashed every command and left
a ``.tmp`` file behind). Each is moved aside, the command runs anyway and says what happened."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.errors import ConfigError, WorkspaceError
from cio_desktop.jsonfile import write_json_atomic
from cio_desktop.models import Workspace
from cio_desktop.paths import config_dir
from cio_desktop.settings import SettingsStore
from cio_desktop.workspaces import WorkspaceStore
from tests.api.cli_helpers import run_cli

HOSTILE: dict[str, bytes | None] = {
    "100k-deep nesting": b'{"workspaces":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "100k-deep object": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "5000-digit number": b'{"schema_version": ' + b"9" * 5000 + b', "workspaces": []}',
    "5000-digit workspace id": (
        b'{"schema_version": 1, "workspaces": [{"id": "x", "name": "A", "region": "us", "workspace_id": '
        + b"1" * 5000
        + b"}]}"
    ),
    "lone surrogate in a name": (
        b'{"schema_version": 1, "workspaces": [{"id": "x", "name": "A\\ud800", "region": "us"}]}'
    ),
    "lone surrogate in a key": b'{"\\udfff": 1}',
    "bidi override in a name": (
        b'{"schema_version": 1, "workspaces": [{"id": "x", "name": "A\\u202eB", "region": "us"}]}'
    ),
    "NaN": b'{"schema_version": NaN, "timeout_s": NaN}',
    "not UTF-8": b'{"a": "\xff"}',
    "a folder": None,
}
FILES = ("workspaces.json", "settings.json")


def _plant(name: str, content: bytes | None) -> Path:
    path = config_dir() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        path.mkdir()
        (path / "inside.txt").write_text("kept")
    else:
        path.write_bytes(content)
    return path


def _leftovers() -> list[str]:
    return sorted(p.name for p in config_dir().iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("file_name", FILES)
@pytest.mark.parametrize("case", HOSTILE)
def test_store_moves_it_aside_and_works(file_name: str, case: str) -> None:
    path = _plant(file_name, HOSTILE[case])
    if file_name == "workspaces.json":
        store = WorkspaceStore()
        report = store.load()
        if report.problem is None:  # a salvageable file keeps its good parts: only the bidi name case
            pytest.fail(f"{case}: not reported")
        assert "moved aside" in report.problem
        store.add(Workspace(name="After"))
        assert [w.name for w in WorkspaceStore().list()] == ["After"]
        backup = report.recovered_backup
    else:
        settings_store = SettingsStore()
        settings_store.load()
        if case.startswith("bidi"):  # a workspace entry means nothing to settings: ignored, file kept
            assert settings_store.problem is None
            return
        assert settings_store.problem is not None
        assert "moved aside" in settings_store.problem
        backup = settings_store.recovered_backup
        settings_store.update(timeout_s=12.0)
        assert SettingsStore().load().timeout_s == 12.0
    assert backup is not None
    assert backup.exists()
    if HOSTILE[case] is None:
        assert (backup / "inside.txt").read_text() == "kept"
    elif not case.startswith(("bidi", "NaN")):
        assert backup.read_bytes() == HOSTILE[case]
    assert path.is_file()
    assert _leftovers() == []


@pytest.mark.parametrize("case", HOSTILE)
def test_commands_start_anyway_and_say_so(capsys: pytest.CaptureFixture[str], case: str) -> None:
    for name in FILES:
        _plant(name, HOSTILE[case])
    code, _, err = run_cli(capsys, "history", "list")
    assert code == 0, err
    assert ("settings.json" in err) is not case.startswith("bidi")
    assert "workspaces.json" in err
    assert "moved aside" in err
    (config_dir() / "workspaces.json").unlink(missing_ok=True)  # the same again, met by another command
    _plant("workspaces.json", HOSTILE[case])
    code, _out, err = run_cli(capsys, "workspace", "show", "Nobody")
    assert code == 1
    assert "workspaces.json" in err
    assert "moved aside" in err
    assert "something unexpected" not in err
    assert _leftovers() == []


@pytest.mark.parametrize(
    "data",
    [{"name": "bad\ud800"}, {"n": float("nan")}, {"x": object()}],
    ids=["lone surrogate", "nan", "object"],
)
def test_a_value_that_cannot_be_written_leaves_no_tmp_file(data: dict[str, Any]) -> None:
    path = config_dir() / "x.json"
    write_json_atomic(path, {"before": 1})
    if data.get("n") is not None:
        write_json_atomic(path, data)  # NaN is written the way json writes it, and read back as damage
        return
    with pytest.raises(ConfigError, match="cannot be written"):
        write_json_atomic(path, data)
    assert json.loads(path.read_text()) == {"before": 1}
    assert _leftovers() == []


@pytest.mark.parametrize("name", ["A\ud800", "A\u202eB", "A\x9bB", "A\x1b[2JB", "A\u2066B"])
def test_unsafe_workspace_names_are_refused(name: str) -> None:
    with pytest.raises(WorkspaceError, match="control characters"):
        WorkspaceStore().add(Workspace(name=name))
    assert _leftovers() == []
