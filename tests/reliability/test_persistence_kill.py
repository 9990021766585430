"""Persistence under faults (issue 14, item 4): SIGKILL at random points while saving.

A real child process runs the application layer's saving operations against the real workspace file,
settings file, request history and Secret Service: add a workspace with keys, save its OAuth sign-in
(tokens), change a workspace's keys, rotate a sign-in's tokens, remove a workspace, save a setting,
record a request. It prints a line after each operation has
returned, so the test knows what was saved for sure. The child is killed with a real SIGKILL at a
seeded random point: every file and keyring call it makes (``os.open``, ``os.write``, ``os.fsync``,
``os.replace``, ``os.unlink``, ``os.mkdir``, Secret Service set/delete) is a point, just before or just
after the call, and the child sends SIGKILL to itself when the drawn point comes. The points are
counted by a first run that is not killed. All runs share one home, so each later run also starts from
whatever the kills left.

After every run: the workspace file, the settings and the history load without a word (nothing moved
aside, no line skipped); every workspace saved before is there, every one removed before is gone; every
workspace's marked keys are in the keyring (never a workspace pointing at a missing item); keyring items
no workspace names are only those a kill left, and the start-up repair deletes them and says how many.
every sign-in loads the tokens saved (or, a rotation cut short, the new refresh token with the old access
token, or the new pair), and no sign-in is left without its workspace after the repair.
``CIO_DESKTOP_KILL_SEED`` replays another seed. The tokens are short (one keyring item each).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import keyring
import pytest

from cio_desktop.api.history import RequestHistory
from cio_desktop.models import OAUTH_KINDS, SecretKind
from cio_desktop.oauth.token_store import TokenStore, oauth_owner
from cio_desktop.operations import workspace_changes
from cio_desktop.secrets import SERVICE_NAME, SecretStore
from cio_desktop.settings import SettingsStore
from cio_desktop.workspaces import WorkspaceStore
from tests.reliability.conftest import Tally

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("secret_service")]

SUITE = "persistence under SIGKILL"
KILLS = 16  # bounded: each run is a fresh interpreter and a few Secret Service calls (about 1 s)
SEED = int(os.environ.get("CIO_DESKTOP_KILL_SEED", "14"))

CHILD = r"""
import asyncio, json, os, signal, sys
from datetime import UTC, datetime

import keyring.backends.SecretService as secret_service

from cio_desktop.api.exchange import Exchange
from cio_desktop.api.history import RequestHistory
from cio_desktop.models import SecretKind, Workspace
from cio_desktop.operations import workspace_changes
from cio_desktop.secrets import SecretStore
from cio_desktop.settings import SettingsStore
from cio_desktop.oauth.token_store import SessionRecord, TokenStore, oauth_owner
from cio_desktop.workspaces import WorkspaceStore

run, kill_at = sys.argv[1], int(sys.argv[2])
points = 0


def point() -> None:
    global points
    points += 1
    if points == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)


def counted(fn):
    def call(*args, **kwargs):
        point()
        result = fn(*args, **kwargs)
        point()
        return result
    return call


for name in ("open", "write", "fsync", "replace", "unlink", "mkdir"):
    setattr(os, name, counted(getattr(os, name)))
for name in ("set_password", "delete_password"):
    setattr(secret_service.Keyring, name, counted(getattr(secret_service.Keyring, name)))


def done(**line) -> None:
    print(json.dumps(line), flush=True)


async def main() -> None:
    store, secrets, settings, history = WorkspaceStore(), SecretStore(), SettingsStore(), RequestHistory()
    added = []
    for i in range(3):
        name = f"r{run}w{i}"
        keys = {SecretKind.TRACK_API_KEY: f"t-{name}", SecretKind.APP_API_KEY: f"a-{name}"}
        ws = await workspace_changes.add(store, secrets, Workspace(name=name, site_id="s"), keys)
        added.append(ws)
        done(op="added", name=name, track=keys[SecretKind.TRACK_API_KEY], app=keys[SecretKind.APP_API_KEY])
        record = SessionRecord(issuer="https://i.test", token_endpoint="https://i.test/t", client_id="c")
        await TokenStore(secrets).save(oauth_owner(ws.id), record, f"at1-{name}", f"rt1-{name}")
        done(op="tokens", name=name, access=f"at1-{name}", refresh=f"rt1-{name}")
        await asyncio.to_thread(settings.update, ui_state={"run": name})
        done(op="settings", value=name)
        exchange = Exchange(id=f"x-{name}", workspace=name, method="POST", url="https://track.customer.io/x",
                            started_at=datetime.now(UTC), status=200)
        await history.arecord(exchange)
        await history.aflush()  # arecord queues; the record is on disk once flushed (the batch writer)
        assert history.persist_error is None, history.persist_error
        done(op="history", id=exchange.id)
        if i == 1:
            first = added[0]
            new_app = {SecretKind.APP_API_KEY: f"a2-{first.name}"}
            await workspace_changes.update(store, secrets, first, new_app)
            done(op="rekeyed", name=first.name, app=f"a2-{first.name}")
            # A refresh: the server rotated both tokens.
            tokens = TokenStore(secrets)
            await tokens.save(oauth_owner(first.id), record, f"at2-{first.name}", f"rt2-{first.name}")
            done(op="tokens", name=first.name, access=f"at2-{first.name}", refresh=f"rt2-{first.name}")
        if i == 2:
            result = await workspace_changes.remove(store, secrets, added[1])
            assert result.keys_left is None, result.keys_left
            done(op="removed", name=added[1].name)
    done(op="points", n=points)


asyncio.run(main())
"""


class Expected:
    """What the lines of the runs so far say was saved for sure."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[SecretKind, str]] = {}  # workspace name -> its keys
        self.removed: set[str] = set()
        self.settings: str | None = None
        self.history: list[str] = []
        self.tokens: dict[str, tuple[str, str]] = {}  # workspace name -> (access, refresh) saved

    def take(self, line: dict[str, Any]) -> None:
        op = line["op"]
        if op == "added":
            keys = {SecretKind.TRACK_API_KEY: line["track"], SecretKind.APP_API_KEY: line["app"]}
            self.keys[line["name"]] = keys
        elif op == "rekeyed":
            self.keys[line["name"]][SecretKind.APP_API_KEY] = line["app"]
        elif op == "removed":
            self.removed.add(line["name"])
            del self.keys[line["name"]]
            self.tokens.pop(line["name"], None)
        elif op == "tokens":
            self.tokens[line["name"]] = (line["access"], line["refresh"])
        elif op == "settings":
            self.settings = line["value"]
        elif op == "history":
            self.history.append(line["id"])


def run_child(run: int, kill_at: int, expected: Expected) -> tuple[int, list[dict[str, Any]]]:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(run), str(kill_at)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )
    lines = [json.loads(line) for line in child.stdout.splitlines()]
    assert child.returncode in (0, -signal.SIGKILL), child.stderr
    for line in lines:
        expected.take(line)
    return child.returncode, lines


def check_after_kill(
    expected: Expected, in_flight: str, settings_in_flight: str | None = None, removing: str | None = None
) -> int:
    """Everything loads cleanly and holds what was saved; returns how many orphans the repair deleted."""
    report = WorkspaceStore().load()
    assert report.problem is None, report.problem
    saved = {w.name: w for w in report.workspaces}
    for name in expected.keys:  # a removal the kill cut short may have written the file already
        assert name in saved or name == removing, f"{name} was saved before the kill and is gone"
    if removing is not None and removing not in saved:  # that removal went through: count it as done
        expected.take({"op": "removed", "name": removing})
    if in_flight in saved:  # that add went through (keys first, then the file): count it as done
        expected.take({"op": "added", "name": in_flight, "track": f"t-{in_flight}", "app": f"a-{in_flight}"})
    for name in expected.removed:
        assert name not in saved, f"{name} was removed before the kill and is back"
    extra = set(saved) - set(expected.keys)
    assert extra <= {in_flight}, f"workspaces nobody saved: {extra - {in_flight}}"

    settings_store = SettingsStore()
    settings = settings_store.load()
    assert settings_store.problem is None, settings_store.problem
    if expected.settings is not None:
        assert settings.ui_state.get("run") in (expected.settings, settings_in_flight)

    history = RequestHistory()
    history.load()
    assert history.persist_error is None, history.persist_error
    assert history.skipped_lines == 0
    ids = {r.id for r in history.records()}
    assert set(expected.history) <= ids, set(expected.history) - ids

    # Never a workspace pointing at a missing keyring item (checked before any repair).
    for name, workspace in saved.items():
        for kind in workspace.stored_keys or ():
            value = keyring.get_password(SERVICE_NAME, f"{workspace.secrets_id}/{kind.value}")
            assert value, f"{name} is marked as having its {kind.value} and the keyring has none"
            if name in expected.keys:  # the old key, or the new one of a key change the kill cut short
                allowed = {expected.keys[name][kind], f"a2-{name}" if kind is SecretKind.APP_API_KEY else ""}
                assert value in allowed, f"{name}'s {kind.value} is neither the old nor the new one"
    # Tokens: the pair saved, or (a save the kill cut short; the refresh token is written first) the new
    # refresh token with the old access token, or the new pair; never half a pair of the first save.
    for name, workspace in saved.items():
        stored = asyncio.run(TokenStore(SecretStore()).load(oauth_owner(workspace.id)))
        if name not in expected.tokens:
            assert stored is None or stored.access_token.startswith("at1-"), name
            continue
        assert stored is not None, f"{name}'s sign-in was saved before the kill and is gone"
        access, refresh = expected.tokens[name]
        newer = (access.replace("at1-", "at2-"), refresh.replace("rt1-", "rt2-"))
        allowed = {(access, refresh), (access, newer[1]), newer}
        assert (stored.access_token, stored.refresh_token) in allowed, name
    repaired = asyncio.run(workspace_changes.repair(WorkspaceStore(), SecretStore(), settled_s=0))
    assert repaired.problem is None, repaired.problem
    assert repaired.missing == {}
    left = asyncio.run(SecretStore().stored_ids())
    assert left == {w.secrets_id for w in saved.values() if w.stored_keys}, "orphans survived the repair"
    signins = asyncio.run(SecretStore().stored_ids(kinds=OAUTH_KINDS)) or frozenset()
    assert signins <= {oauth_owner(w.id) for w in saved.values()}, "a sign-in without its workspace"
    return repaired.orphans_deleted


def test_sigkill_at_random_points_loses_nothing_saved(cio_home: Path, tally: Tally) -> None:
    expected = Expected()
    rng = random.Random(SEED)
    try:
        code, lines = run_child(0, 0, expected)  # not killed: counts the points
        assert code == 0
        points = lines[-1]["n"]
        assert points > 50, "the child's file and keyring calls are counted"
        check_after_kill(expected, in_flight="")
        for run in range(1, KILLS + 1):
            kill_at = rng.randint(1, points)
            code, lines = run_child(run, kill_at, expected)
            added = [line["name"] for line in lines if line["op"] == "added"]
            in_flight = f"r{run}w{len(added)}"
            # The run removes r<run>w1 once r<run>w2's request is recorded.
            removing = f"r{run}w1" if {"op": "history", "id": f"x-r{run}w2"} in lines else None
            orphans = check_after_kill(expected, in_flight, added[-1] if added else None, removing)
            tally(SUITE, "killed" if code else "finished before its point")
            tally(f"{SUITE}: repair", "orphans deleted and reported", orphans)
            tally(f"{SUITE}: repair", "temporary files a kill left", len(list(cio_home.rglob("*.tmp"))))
        # A kill between a temporary file and its rename leaves it; the next save of that file removes
        # it. A last run, not killed, saves every file again: nothing may be left.
        assert run_child(KILLS + 1, 0, expected)[0] == 0
        check_after_kill(expected, in_flight="")
        assert [p.name for p in cio_home.rglob("*.tmp")] == []
    finally:  # the keyring is the test session's: leave nothing of this test in it
        asyncio.run(workspace_changes.repair(WorkspaceStore(), SecretStore(), settled_s=0))
        for workspace in WorkspaceStore().list():
            asyncio.run(SecretStore().delete_all(workspace.secrets_id))
