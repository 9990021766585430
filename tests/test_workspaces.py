"""WorkspaceStore: validation, the file on disk (atomic, 0600, schema version), recovery and concurrency."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest

from cio_desktop import jsonfile
from cio_desktop.errors import ConfigError, WorkspaceError
from cio_desktop.jsonfile import FileLock
from cio_desktop.models import Region, Workspace
from cio_desktop.workspaces import SCHEMA_VERSION, WorkspaceStore


def _file(store: WorkspaceStore) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(store.path.read_text(encoding="utf-8"))
    return data


def test_add_then_a_new_store_sees_the_same_workspaces(cio_home: Path) -> None:
    store = WorkspaceStore()
    assert store.path == cio_home / "config" / "workspaces.json"
    assert store.list() == []
    prod = store.add(Workspace(name="  Production ", region=Region.US, site_id=" abc123 "))
    eu = store.add(Workspace(name="Europe", region=Region.EU))
    assert prod.name == "Production"  # trimmed
    assert prod.site_id == "abc123"

    again = WorkspaceStore()
    assert again.list() == [prod, eu]
    assert again.get("production") == prod  # names match case-insensitively
    data = _file(again)
    assert data["schema_version"] == SCHEMA_VERSION
    assert [w["name"] for w in data["workspaces"]] == ["Production", "Europe"]
    assert data["workspaces"][0]["region"] == "us"


def test_file_is_private_and_no_temporary_files_are_left(cio_home: Path) -> None:
    store = WorkspaceStore()
    store.add(Workspace(name="One"))
    store.rename("One", "Two")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    leftovers = [p.name for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_temporary_files_of_a_killed_writer_are_removed_by_the_next_save(cio_home: Path) -> None:
    """A writer killed between creating its temporary file and renaming it leaves ``.NAME.*.tmp``
    (found by tests/reliability/test_persistence_kill.py); the next save, holding the lock, removes it."""
    store = WorkspaceStore()
    store.add(Workspace(name="One"))
    folder = store.path.parent
    killed = folder / f".{store.path.name}.k1ll3d.tmp"
    killed.write_text('{"schema_version": 1, "workspa', encoding="utf-8")
    other = folder / ".templates.json.k1ll3d.tmp"  # another file's: not this save's business
    other.write_text("{", encoding="utf-8")
    store.add(Workspace(name="Two"))
    assert not killed.exists()
    assert other.exists()
    assert [w.name for w in WorkspaceStore().list()] == ["One", "Two"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "needs a name"),
        ({"name": "   "}, "needs a name"),
        ({"name": "two\nlines"}, "control characters"),
        ({"region": "mars"}, "us, eu or auto"),
        ({"track_url": "http://track.example.com"}, "must use https"),
        ({"app_url": "ftp://api.example.com"}, "full https:// address"),
        ({"app_url": "api.example.com"}, "full https:// address"),
        ({"track_url": "https://user:pw@track.example.com"}, "user name or password"),
        ({"track_url": "https://track.example.com:99999"}, "not a valid web address"),
        ({"ca_file": "/nowhere/ca.pem"}, "does not exist"),
    ],
)
def test_invalid_workspace_is_refused_and_nothing_changes(changes: dict[str, Any], message: str) -> None:
    store = WorkspaceStore()
    store.add(Workspace(name="Existing"))
    before = store.path.read_bytes()
    with pytest.raises(WorkspaceError, match=message):
        store.add(Workspace(name="New").replace(**changes))
    assert store.path.read_bytes() == before


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://127.1.2.3",
        "http://[::1]:9000/",
        "http://localhost:5000",
        "https://x.io",
    ],
)
def test_plain_http_is_allowed_for_loopback_only(url: str) -> None:
    store = WorkspaceStore()
    added = store.add(Workspace(name="Sandbox", track_url=url, app_url=url))
    assert store.get("Sandbox").track_url == added.track_url == url


def test_existing_ca_file_is_accepted(tmp_path: Path) -> None:
    ca = tmp_path / "corp-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    store = WorkspaceStore()
    store.add(Workspace(name="Corp", ca_file=str(ca)))
    assert WorkspaceStore().get("Corp").ca_file == str(ca)


def test_duplicate_names_are_refused_case_insensitively() -> None:
    store = WorkspaceStore()
    first = store.add(Workspace(name="Marketing"))
    with pytest.raises(WorkspaceError, match="already exists"):
        store.add(Workspace(name="MARKETING"))
    with pytest.raises(WorkspaceError, match="already in the list"):
        store.add(first)  # the same workspace (same id) twice
    assert store.list() == [first]


def test_rename_keeps_the_id_and_refuses_a_taken_name() -> None:
    store = WorkspaceStore()
    a = store.add(Workspace(name="Alpha"))
    store.add(Workspace(name="Beta"))
    renamed = store.rename("alpha", "Gamma")
    assert renamed.id == a.id
    assert renamed.name == "Gamma"
    with pytest.raises(WorkspaceError, match="already exists"):
        store.rename("Gamma", "beta")
    assert store.rename("Gamma", "GAMMA").name == "GAMMA"  # changing only the case is fine
    assert [w.name for w in store.list()] == ["GAMMA", "Beta"]
    with pytest.raises(WorkspaceError, match="no workspace called 'Nope'"):
        store.rename("Nope", "Other")


def test_update_replaces_by_id_and_remove_returns_the_workspace() -> None:
    store = WorkspaceStore()
    ws = store.add(Workspace(name="Main"))
    updated = store.update(ws.replace(region=Region.EU, site_id="site-9"))
    assert store.get("Main") == updated
    assert store.get("Main").region is Region.EU
    assert store.get_by_id(ws.id) == updated
    removed = store.remove("main")
    assert removed.id == ws.id
    assert store.list() == []
    with pytest.raises(WorkspaceError, match="no workspace called 'Main'"):
        store.remove("Main")
    with pytest.raises(WorkspaceError):
        store.update(ws)  # it is gone


def _assert_backup(report_backup: Path | None, store: WorkspaceStore, original: bytes) -> Path:
    assert report_backup is not None
    assert report_backup.parent == store.path.parent
    assert re.fullmatch(r"workspaces\.json\.corrupt-\d{8}-\d{6}(-\d+)?", report_backup.name)
    assert report_backup.read_bytes() == original  # the user's file is kept, byte for byte
    return report_backup


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe garbage", b"[1, 2, 3]", b'{"schema_version": 1}', b""],
    ids=["bad-json", "not-utf8", "array", "no-list", "empty"],
)
def test_corrupt_file_is_moved_aside_and_the_store_still_works(content: bytes) -> None:
    store = WorkspaceStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_bytes(content)

    report = store.load()
    assert report.workspaces == ()
    backup = _assert_backup(report.recovered_backup, store, content)
    assert report.problem is not None
    assert str(backup) in report.problem  # the user is told where the copy is
    assert "moved aside" in report.problem

    store.add(Workspace(name="Fresh start"))
    assert [w.name for w in WorkspaceStore().list()] == ["Fresh start"]
    assert WorkspaceStore().load().problem is None  # reported once, then the file is healthy


def test_each_broken_file_gets_its_own_backup() -> None:
    """Broken twice within the same second: both copies are kept, neither overwrites the other."""
    store = WorkspaceStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    backups = []
    for content in (b"first broken", b"second broken"):
        store.path.write_bytes(content)
        report = store.load()
        assert report.recovered_backup is not None
        backups.append(report.recovered_backup)
    assert backups[0] != backups[1]
    assert [b.read_bytes() for b in backups] == [b"first broken", b"second broken"]


def test_broken_entries_are_dropped_but_good_ones_kept() -> None:
    store = WorkspaceStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    good = {"id": "a1", "name": "Good", "region": "us", "site_id": "s"}
    raw = json.dumps(
        {
            "schema_version": 1,
            "workspaces": [good, {"id": "b2", "name": "Bad", "region": "mars"}, "junk"],
        }
    ).encode()
    store.path.write_bytes(raw)
    report = store.load()
    assert [w.name for w in report.workspaces] == ["Good"]
    _assert_backup(report.recovered_backup, store, raw)
    assert report.problem is not None
    assert "2 entries could not be used" in report.problem
    assert [w["name"] for w in _file(store)["workspaces"]] == ["Good"]


def test_unknown_fields_from_a_hand_edit_are_ignored() -> None:
    store = WorkspaceStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"id": "a1", "name": "Hand", "region": "eu", "colour": "blue", "demo": True}
    store.path.write_text(json.dumps({"schema_version": 1, "workspaces": [entry]}), encoding="utf-8")
    report = store.load()
    assert report.problem is None
    assert report.workspaces[0].demo is True
    assert report.workspaces[0].region is Region.EU


def test_file_from_a_newer_version_is_read_only() -> None:
    store = WorkspaceStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(
        {"schema_version": SCHEMA_VERSION + 1, "workspaces": [{"id": "a", "name": "Future", "region": "us"}]}
    )
    store.path.write_text(raw, encoding="utf-8")
    report = store.load()
    assert [w.name for w in report.workspaces] == ["Future"]
    assert report.recovered_backup is None
    assert report.problem is not None
    assert "newer version" in report.problem
    with pytest.raises(ConfigError, match="newer version"):
        store.add(Workspace(name="Now"))
    assert store.path.read_text(encoding="utf-8") == raw  # not overwritten


def test_failed_write_keeps_the_previous_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stands in for a full disk: the rename step fails, the old file must survive untouched."""
    store = WorkspaceStore()
    store.add(Workspace(name="Kept"))
    before = store.path.read_bytes()

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jsonfile.os, "replace", broken_replace)
    with pytest.raises(ConfigError, match="previous file is unchanged"):
        store.add(Workspace(name="Lost"))
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert [p.name for p in store.path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_busy_lock_gives_a_plain_error() -> None:
    store = WorkspaceStore()
    holder = FileLock(store.path)
    store._lock = FileLock(store.path, timeout=0.1)  # don't make the test wait the full 15 s
    with holder.hold(), pytest.raises(ConfigError, match="busy"):
        store.add(Workspace(name="Waiting"))
    assert store.list() == []


def _add_many(home: str, prefix: str, count: int, barrier: Any) -> None:
    os.environ["CIO_DESKTOP_HOME"] = home
    store = WorkspaceStore()
    barrier.wait(timeout=60)
    for i in range(count):
        store.add(Workspace(name=f"{prefix}-{i}"))


def test_concurrent_processes_lose_no_workspace(cio_home: Path) -> None:
    """Four real processes add workspaces at the same moment; every one of them must survive."""
    ctx = multiprocessing.get_context("spawn")
    workers, per_worker = 4, 10
    barrier = ctx.Barrier(workers)
    procs = [
        ctx.Process(target=_add_many, args=(str(cio_home), f"p{n}", per_worker, barrier))
        for n in range(workers)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert [proc.exitcode for proc in procs] == [0] * workers
    names = sorted(w.name for w in WorkspaceStore().list())
    assert names == sorted(f"p{n}-{i}" for n in range(workers) for i in range(per_worker))


def test_a_healthy_file_is_read_without_the_lock_and_a_broken_one_waits_for_it() -> None:
    """Start-up reads without the lock (writers replace the file atomically); repairing still locks."""
    store = WorkspaceStore()
    store.add(Workspace(name="Acme"))
    holder = FileLock(store.path)
    store._lock = FileLock(store.path, timeout=0.1)  # don't make the test wait the full 15 s
    with holder.hold():
        assert [w.name for w in store.load().workspaces] == ["Acme"]
        store.path.write_text('{"schema_version": 1, "workspaces": [{"name": ""}]}', encoding="utf-8")
        with pytest.raises(ConfigError, match="busy"):
            store.load()  # an entry must be dropped: that rewrites the file, so it takes the lock
    assert store.load().problem is not None  # and once the lock is free the repair happens


def test_reading_the_workspace_and_settings_files_loads_no_file_lock_library(cio_home: Path) -> None:
    """The first window's reads stay cheap: ``filelock`` loads only when a file is written or repaired."""
    import subprocess
    import sys

    WorkspaceStore().add(Workspace(name="Acme"))
    code = (
        "import sys\n"
        "from cio_desktop.settings import SettingsStore\n"
        "from cio_desktop.workspaces import WorkspaceStore\n"
        "assert [w.name for w in WorkspaceStore().load().workspaces] == ['Acme']\n"
        "SettingsStore().load()\n"
        "print('filelock' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
