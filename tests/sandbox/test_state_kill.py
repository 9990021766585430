"""``--state-dir`` survives SIGKILL mid-write: a sandbox child process is killed at random moments while
calls keep it saving, then restarted on the same folder. Every restart loads the state (same keys, every
person confirmed saved before the kill still there), leaves no temp file, and keeps the file 0600."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

ROUNDS = 8


def _spawn(state_dir: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cio_desktop", "sandbox", "--state-dir", str(state_dir), "--people", "300"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise AssertionError(f"the sandbox did not start: {proc.communicate(timeout=10)[1]}")
    return proc, json.loads(line)


def _saved_ids(state_file: Path) -> set[str]:
    with state_file.open(encoding="utf-8") as fh:
        return {p["id"] for p in json.load(fh)["people"] if p["id"]}


def _wait_saved(state_file: Path, person_id: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while person_id not in _saved_ids(state_file):
        assert time.monotonic() < deadline, f"{person_id} was never saved"
        time.sleep(0.05)  # polling a condition (the saver writes every 0.25 s)


def _wait_for_temp_file(folder: Path, timeout: float = 20.0) -> None:
    """Return as soon as the sandbox's saver has a temp file open (a write is under way)."""
    deadline = time.monotonic() + timeout
    while not any(name.endswith(".tmp") for name in os.listdir(folder)):
        assert time.monotonic() < deadline, "no save started"


def _hammer(info: dict[str, str], stop: threading.Event, tag: str) -> None:
    """Identify calls until told to stop or the server dies (each one makes the sandbox save again)."""
    with httpx.Client(timeout=5) as client:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                client.put(
                    f"{info['track_url']}/api/v1/customers/{tag}-{n}",
                    json={"plan": "x" * 200},
                    auth=(info["site_id"], info["track_api_key"]),
                )
            except httpx.HTTPError:
                return


@pytest.mark.slow
def test_state_dir_survives_sigkill_mid_write(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox-state.json"
    rng = random.Random(14)
    keys: dict[str, str] | None = None
    confirmed: set[str] = set()
    mid_write = 0  # kills that left a temp file: they landed while a save was being written
    for round_ in range(ROUNDS):
        proc, info = _spawn(tmp_path)
        try:
            current = {k: info[k] for k in ("site_id", "track_api_key", "app_api_key", "pipelines_write_key")}
            assert keys in (None, current), "the keys changed across a restart"
            keys = current
            assert confirmed <= _saved_ids(state_file), "a person saved before a kill was lost"
            marker = f"kill-marker-{round_}"
            with httpx.Client(timeout=5) as client:
                r = client.put(
                    f"{info['track_url']}/api/v1/customers/{marker}",
                    json={},
                    auth=(info["site_id"], info["track_api_key"]),
                )
                assert r.status_code == 200
            _wait_saved(state_file, marker)
            confirmed.add(marker)
            stop = threading.Event()
            worker = threading.Thread(target=_hammer, args=(info, stop, f"r{round_}"))
            worker.start()
            if round_ % 2:
                time.sleep(rng.uniform(0.05, 0.6))  # a random moment while saves are under way
            else:
                _wait_for_temp_file(tmp_path)  # right while a save is being written
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            stop.set()
            worker.join(10)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate(timeout=10)
        assert state_file.stat().st_mode & 0o777 == 0o600
        mid_write += any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
    proc, info = _spawn(tmp_path)  # the last restart: loads, and clears the killed writers' temp files
    try:
        assert confirmed <= _saved_ids(state_file)
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
    print(f"SIGKILL rounds survived: {ROUNDS}, of which mid-write: {mid_write}")
