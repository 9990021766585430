"""``cio-desktop workspace ...`` as a user or a script runs it: real keyring, real files, real processes."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from cio_desktop.cli import build_parser
from cio_desktop.models import SecretKind
from cio_desktop.secrets import SERVICE_NAME
from cio_desktop.workspaces import WorkspaceStore
from tests.api.cli_helpers import run_cli
from tests.fixtures.keyring import (
    PlaintextMemoryKeyring,
    files_containing,
    forget_keys,
    keyring_value,
    needs_gnome_keyring,
    run_with_locked_keyring,
)

REPO = Path(__file__).resolve().parents[2]
TRACK = SecretKind.TRACK_API_KEY
APP = SecretKind.APP_API_KEY


def run_process(
    *argv: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``cio-desktop`` command in a child process (its own interpreter and keyring)."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "cio_desktop", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=full_env,
        cwd=REPO,
    )


def new_key(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex}"


@pytest.fixture
def keyring_cleanup(secret_service: Any) -> Iterator[None]:
    """Delete every keyring item of the workspaces this test created (ids are random per test)."""
    yield
    for workspace in WorkspaceStore().list():
        forget_keys(secret_service, workspace.id)


def snapshot(home: Path) -> dict[str, bytes]:
    """Every file under the home folder (lock files aside) with its content: 'nothing changed' checks."""
    return {
        str(p.relative_to(home)): p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def assert_one_line_error(code: int, out: str, err: str, *needles: str) -> None:
    assert code != 0
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("cio-desktop: ")
    for needle in needles:
        assert needle in lines[0]


# -- the happy paths -----------------------------------------------------------------------------


@pytest.mark.usefixtures("keyring_cleanup")
def test_add_with_keys_on_stdin_then_list_and_show(
    capsys: pytest.CaptureFixture[str], cio_home: Path
) -> None:
    track, app = new_key("track"), new_key("app")
    proc = run_process(
        "workspace", "add", "--name", "Production", "--region", "us", "--site-id", "site-42",
        "--track-key-stdin", "--app-key-stdin",
        stdin=f"{track}\n{app}\n",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Added workspace 'Production'" in proc.stdout
    assert track not in proc.stdout + proc.stderr

    code, out, _ = run_cli(capsys, "workspace", "list", "--json")
    assert code == 0
    (entry,) = json.loads(out)
    assert entry["name"] == "Production"
    assert entry["region"] == "us"
    assert entry["site_id"] == "site-42"
    assert entry["secrets"]["track_api_key"] is True
    assert entry["secrets"]["app_api_key"] is True
    assert keyring_value(entry["id"], TRACK) == track
    assert keyring_value(entry["id"], APP) == app

    code, out, _ = run_cli(capsys, "workspace", "list")
    assert code == 0
    header, row = out.splitlines()
    assert header.split() == ["NAME", "REGION", "SITE", "ID", "KEYS"]
    assert row.split() == ["Production", "us", "site-42", "track,", "app"]

    code, out, _ = run_cli(capsys, "workspace", "show", "production")
    assert code == 0
    assert "Track API key:" in out
    assert "stored" in out
    assert track not in out
    assert app not in out

    code, out, _ = run_cli(capsys, "workspace", "show", "Production", "--json")
    assert json.loads(out)["secrets"] == entry["secrets"]


@pytest.mark.usefixtures("keyring_cleanup")
def test_add_with_a_pipelines_key_and_address(capsys: pytest.CaptureFixture[str], cio_home: Path) -> None:
    """Keys are read in the order Track, App, Pipelines, only those asked for."""
    app, pipelines = new_key("app"), new_key("cdp")
    proc = run_process(
        "workspace", "add", "--name", "CDP", "--region", "eu", "--app-key-stdin", "--pipelines-key-stdin",
        "--pipelines-url", "https://cdp-proxy.example.com",
        stdin=f"{app}\n{pipelines}\n",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "App API key, Pipelines API key stored" in proc.stdout
    assert pipelines not in proc.stdout + proc.stderr
    _, out, _ = run_cli(capsys, "workspace", "show", "CDP", "--json")
    entry = json.loads(out)
    assert entry["pipelines_url"] == "https://cdp-proxy.example.com"
    assert entry["secrets"]["pipelines_key"] is True
    assert entry["secrets"]["track_api_key"] is False
    assert keyring_value(entry["id"], SecretKind.PIPELINES_KEY) == pipelines
    assert keyring_value(entry["id"], APP) == app
    _code, out, _ = run_cli(capsys, "workspace", "show", "CDP")
    assert "Pipelines URL:" in out
    assert "https://cdp-proxy.example.com" in out
    assert pipelines not in out


def test_an_empty_pipelines_key_line_saves_nothing(
    capsys: pytest.CaptureFixture[str], cio_home: Path
) -> None:
    proc = run_process("workspace", "add", "--name", "CDP", "--pipelines-key-stdin", stdin="\n")
    assert proc.returncode != 0
    assert "empty key: the Pipelines API key read from standard input is empty" in proc.stderr
    assert not WorkspaceStore().list()


def test_add_without_keys_and_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "workspace", "list", "--json")
    assert (code, json.loads(out)) == (0, [])
    code, out, _ = run_cli(capsys, "workspace", "list")
    assert "No workspaces yet" in out
    code, out, err = run_cli(
        capsys, "workspace", "add", "--name", "Sandbox", "--track-url", "http://127.0.0.1:9999"
    )
    assert code == 0, err
    assert "no keys stored" in out
    assert WorkspaceStore().get("Sandbox").track_url == "http://127.0.0.1:9999"


def test_relative_ca_file_is_stored_as_an_absolute_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "workspace", "add", "--name", "Corp", "--ca-file", "ca.pem")
    assert code == 0, err
    assert WorkspaceStore().get("Corp").ca_file == str(tmp_path / "ca.pem")


@pytest.mark.usefixtures("keyring_cleanup")
def test_no_secret_bytes_in_any_file_after_adding_workspaces(
    capsys: pytest.CaptureFixture[str], cio_home: Path
) -> None:
    keys = []
    for n in range(3):
        track, app = new_key(f"t{n}"), new_key(f"a{n}")
        keys += [track, app]
        code, _, err = run_cli(
            capsys, "workspace", "add", "--name", f"ws{n}", "--track-key-stdin", "--app-key-stdin",
            stdin=f"{track}\n{app}\n",
        )  # fmt: skip
        assert code == 0, err
    run_cli(capsys, "workspace", "rename", "ws0", "renamed")
    run_cli(capsys, "workspace", "list")
    run_cli(capsys, "workspace", "show", "ws1", "--json")
    assert len(WorkspaceStore().list()) == 3
    assert any(cio_home.rglob("workspaces.json"))
    for key in keys:
        assert files_containing(cio_home, key) == [], "a secret reached the disk"


@pytest.mark.usefixtures("keyring_cleanup")
def test_rename_keeps_the_keys_and_remove_deletes_them(capsys: pytest.CaptureFixture[str]) -> None:
    track = new_key("track")
    code, _, err = run_cli(
        capsys, "workspace", "add", "--name", "Old", "--track-key-stdin", stdin=f"{track}\n"
    )
    assert code == 0, err
    wid = WorkspaceStore().get("Old").id

    code, out, err = run_cli(capsys, "workspace", "rename", "Old", "New")
    assert code == 0, err
    assert "Renamed workspace 'Old' to 'New'" in out
    code, out, _ = run_cli(capsys, "workspace", "show", "New", "--json")
    assert json.loads(out)["secrets"]["track_api_key"] is True
    assert keyring_value(wid, TRACK) == track

    code, out, err = run_cli(capsys, "workspace", "remove", "New")
    assert code == 0, err
    assert "and its keys" in out
    assert keyring_value(wid, TRACK) is None
    assert WorkspaceStore().list() == []


def _read_until(master: int, token: bytes, transcript: bytearray, timeout: float = 30) -> None:
    """Collect terminal output until ``token`` shows up (or fail after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while token not in transcript:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"waited for {token!r}, terminal showed {bytes(transcript)!r}"
        ready, _, _ = select.select([master], [], [], remaining)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                chunk = b""
            assert chunk, f"terminal closed before {token!r}: {bytes(transcript)!r}"
            transcript += chunk


@pytest.mark.usefixtures("keyring_cleanup")
def test_on_a_terminal_keys_are_prompted_without_echo(cio_home: Path) -> None:
    """A person typing: the key is asked for and never shown; an empty answer means 'no key'."""
    key = new_key("typed")
    master, slave = os.openpty()
    code = (
        "import fcntl, sys, termios\n"
        "fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"  # make the pty this process's terminal, like a shell does
        "from cio_desktop.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "workspace", "add", "--name", "Typed"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        cwd=REPO,
    )
    os.close(slave)
    transcript = bytearray()
    try:
        _read_until(master, b"Track API key", transcript)
        os.write(master, key.encode() + b"\n")
        _read_until(master, b"App API key", transcript)
        os.write(master, b"\n")
        _read_until(master, b"Pipelines API key", transcript)
        os.write(master, b"\n")
        _read_until(master, b"Added workspace", transcript)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        os.close(master)
    assert key.encode() not in transcript  # no echo
    workspace = WorkspaceStore().get("Typed")
    assert keyring_value(workspace.id, TRACK) == key
    assert keyring_value(workspace.id, APP) is None


# -- bad input: one clear line on stderr, non-zero exit, nothing changed ------------------------


@pytest.mark.parametrize(
    ("argv", "stdin", "needles"),
    [
        (["workspace", "show", "Nope"], None, ["no workspace called 'Nope'"]),
        (["workspace", "rename", "Nope", "Other"], None, ["no workspace called 'Nope'"]),
        (["workspace", "remove", "Nope"], None, ["no workspace called 'Nope'"]),
        (["workspace", "rename", "Existing", "second"], None, ["already exists"]),
        (["workspace", "add", "--name", "EXISTING"], None, ["already exists"]),
        (["workspace", "add", "--name", "New", "--track-key-stdin"], "\n", ["empty key", "Track API key"]),
        (["workspace", "add", "--name", "New", "--track-key-stdin"], "", ["empty key"]),
        (
            ["workspace", "add", "--name", "New", "--track-key-stdin", "--app-key-stdin"],
            "k\n\n",
            ["empty key"],
        ),
        (["workspace", "add", "--name", "New", "--track-url", "http://track.example.com"], None, ["https"]),
        (["workspace", "add", "--name", "New", "--app-url", "ftp://x.example.com"], None, ["https"]),
        (["workspace", "add", "--name", "New", "--ca-file", "/no/such/ca.pem"], None, ["does not exist"]),
        (["workspace", "add", "--name", "  "], None, ["needs a name"]),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], cio_home: Path, argv: list[str], stdin: str | None, needles: list[str]
) -> None:
    assert run_cli(capsys, "workspace", "add", "--name", "Existing")[0] == 0
    assert run_cli(capsys, "workspace", "add", "--name", "Second")[0] == 0
    before = snapshot(cio_home)
    code, out, err = run_cli(capsys, *argv, stdin=stdin)
    assert_one_line_error(code, out, err, *needles)
    assert snapshot(cio_home) == before


def test_empty_key_through_a_real_pipe(cio_home: Path) -> None:
    proc = run_process("workspace", "add", "--name", "Piped", "--track-key-stdin", stdin="\n")
    assert_one_line_error(proc.returncode, proc.stdout, proc.stderr, "empty key")
    assert WorkspaceStore().list() == []


def test_workspace_test_is_registered() -> None:
    args = build_parser().parse_args(["workspace", "test", "Production", "--json"])
    assert args.name == "Production"
    assert args.json is True
    assert callable(args.func)


# -- no secure keyring ---------------------------------------------------------------------------


def test_without_a_keyring_keys_are_refused_but_workspaces_still_work(
    capsys: pytest.CaptureFixture[str], cio_home: Path, fail_keyring: Any
) -> None:
    key = new_key("track")
    code, out, err = run_cli(capsys, "workspace", "add", "--name", "A", "--track-key-stdin", stdin=f"{key}\n")
    assert_one_line_error(code, out, err, "No system keyring", "Nothing was saved")
    assert key not in err
    assert WorkspaceStore().list() == []

    code, _, err = run_cli(capsys, "workspace", "add", "--name", "A")
    assert code == 0, err
    code, out, err = run_cli(capsys, "workspace", "list")
    assert code == 0
    assert "unknown" in out
    assert "cannot tell which keys are stored" in err
    code, out, err = run_cli(capsys, "workspace", "remove", "A")
    assert code == 0
    assert "Removed workspace 'A'" in out
    assert WorkspaceStore().list() == []


def test_plaintext_keyring_is_refused(
    capsys: pytest.CaptureFixture[str], plaintext_keyring: PlaintextMemoryKeyring
) -> None:
    code, out, err = run_cli(
        capsys, "workspace", "add", "--name", "A", "--app-key-stdin", stdin="app-key-1\n"
    )
    assert_one_line_error(code, out, err, "will not store keys there", "Nothing was saved")
    assert plaintext_keyring.stored == {}
    assert WorkspaceStore().list() == []


def test_fail_backend_in_a_fresh_process(cio_home: Path) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    proc = run_process("workspace", "add", "--name", "A", "--track-key-stdin", stdin="k-1\n", env=env)
    assert_one_line_error(proc.returncode, proc.stdout, proc.stderr, "No system keyring")
    assert WorkspaceStore().list() == []


@needs_gnome_keyring
def test_locked_keyring_refuses_keys_and_removal_and_loses_nothing(tmp_path: Path) -> None:
    """A real Secret Service that stays locked: keys are refused, and a workspace is not removed while
    its keys cannot be deleted (they would be orphaned in the keyring)."""
    code = (
        "import json, subprocess, sys\n"
        "def run(args, stdin=''):\n"
        "    p = subprocess.run([sys.executable, '-m', 'cio_desktop', 'workspace', *args], input=stdin,\n"
        "                       capture_output=True, text=True, timeout=60)\n"
        "    return {'rc': p.returncode, 'out': p.stdout, 'err': p.stderr}\n"
        "print(json.dumps([\n"
        "    run(['add', '--name', 'Keyed', '--track-key-stdin'], 'k-locked-1\\n'),\n"
        "    run(['add', '--name', 'Plain']),\n"
        "    run(['remove', 'Plain']),\n"
        "    run(['list']),\n"
        "]))\n"
    )
    proc = run_with_locked_keyring(code, tmp_path / "data")
    add_keyed, add_plain, remove, listing = json.loads(proc.stdout.strip().splitlines()[-1])
    assert_one_line_error(add_keyed["rc"], add_keyed["out"], add_keyed["err"], "locked", "Nothing was saved")
    assert add_plain["rc"] == 0, add_plain["err"]
    assert_one_line_error(remove["rc"], remove["out"], remove["err"], "cannot remove 'Plain' yet")
    assert listing["rc"] == 0
    assert "Plain" in listing["out"]
    assert "unknown" in listing["out"]
    assert [w.name for w in WorkspaceStore().list()] == ["Plain"]


def test_a_hanging_keyring_cannot_hang_the_command(cio_home: Path) -> None:
    """The keyring never answers (its calls block for 30 s): the command gives up after the timeout,
    says so on one line and exits at once, without waiting for the stuck call."""
    env = {
        "PYTHON_KEYRING_BACKEND": "tests.fixtures.keyring.HangingSecretService",
        "PYTHONPATH": str(REPO),
        "CIO_DESKTOP_KEYRING_TIMEOUT": "0.5",
    }
    started = time.monotonic()
    proc = run_process("workspace", "add", "--name", "H", "--track-key-stdin", stdin="k-1\n", env=env)
    elapsed = time.monotonic() - started
    assert_one_line_error(proc.returncode, proc.stdout, proc.stderr, "did not answer within 0.5 seconds")
    assert elapsed < 20  # far less than the 30 s the stuck call would take
    assert WorkspaceStore().list() == []


# -- a broken file and several processes at once -------------------------------------------------


def test_corrupt_workspace_file_is_reported_and_the_command_works(
    capsys: pytest.CaptureFixture[str], cio_home: Path
) -> None:
    path = cio_home / "config" / "workspaces.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ this is not json", encoding="utf-8")
    code, _, err = run_cli(capsys, "workspace", "add", "--name", "After")
    assert code == 0
    assert "warning" in err
    assert "moved aside" in err
    (backup,) = path.parent.glob("workspaces.json.corrupt-*")
    assert str(backup) in err
    assert backup.read_text(encoding="utf-8") == "{ this is not json"
    assert [w.name for w in WorkspaceStore().list()] == ["After"]


def test_concurrent_cli_processes_lose_no_workspace(cio_home: Path) -> None:
    names = [f"parallel-{n}" for n in range(6)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cio_desktop", "workspace", "add", "--name", name],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for name in names
    ]
    results = [proc.communicate(timeout=60) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * len(names), results
    assert sorted(w.name for w in WorkspaceStore().list()) == sorted(names)


def test_list_repairs_the_keyring_and_names_lost_keys(
    capsys: pytest.CaptureFixture[str], secret_service: Any
) -> None:
    key = new_key("app")
    code, _, err = run_cli(capsys, "workspace", "add", "--name", "Kept", "--app-key-stdin", stdin=f"{key}\n")
    assert code == 0, err
    [workspace] = WorkspaceStore().list()
    keyring.delete_password(SERVICE_NAME, f"{workspace.secrets_id}/app_api_key")  # deleted by hand
    code, out, err = run_cli(capsys, "workspace", "list")
    assert code == 0
    assert "App API key of 'Kept' is no longer in the keyring" in err
    assert "Kept" in out
