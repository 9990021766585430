"""``cio-desktop workspace keys NAME [--json]``: each key's age (from the workspace file) and its test result,
never anything of a key."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from cio_desktop.models import SecretKind
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.workspaces import WorkspaceStore
from tests.api.cli_helpers import run_cli, sandbox_workspace, secret_forms


def _date_keys(name: str, track_days: int, app_days: int) -> None:
    store = WorkspaceStore()
    now = date.today()
    dates = {
        SecretKind.TRACK_API_KEY: (now - timedelta(days=track_days)).isoformat(),
        SecretKind.APP_API_KEY: (now - timedelta(days=app_days)).isoformat(),
    }
    store.update(store.get(name).replace(key_dates=dates))


def test_ages_badges_and_test_results(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service, name="Shop"):
        _date_keys("Shop", 10, 200)
        code, out, err = run_cli(capsys, "workspace", "keys", "Shop")
    assert code == 0, err
    assert "Keys of 'Shop' (a badge after 90 days" in out
    assert "Track API key: added or replaced 10 days ago" in out
    assert "App API key: added or replaced 200 days ago" in out
    assert out.count("[older than 90 days: replace it]") == 1
    assert "test: OK — The App API key works." in out
    assert not any(s in out + err for s in secret_forms(sandbox))


def test_json_output(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service, app_key="pasted-the-wrong-thing"):
        code, out, err = run_cli(capsys, "workspace", "keys", "Sandbox", "--json")
    assert code == 1  # a stored key does not work
    doc = json.loads(out)
    assert doc["workspace"] == "Sandbox"
    assert doc["max_age_days"] == 90
    track, app, pipelines = doc["keys"]
    assert (pipelines["kind"], pipelines["stored"]) == ("pipelines_key", False)
    assert track == {
        "kind": "track_api_key",
        "stored": True,
        "since": None,  # stored before dates were kept
        "age_days": None,
        "due": False,
        "test": "ok",
        "message": track["message"],
    }
    assert app["test"] == "failed"
    assert "pasted-the-wrong-thing" not in out + err
    assert not any(s in out + err for s in secret_forms(sandbox))


def test_unknown_workspace(capsys: pytest.CaptureFixture[str], secret_service: Any) -> None:
    code, out, err = run_cli(capsys, "workspace", "keys", "Nope")
    assert code == 1
    assert out == ""
    assert "Nope" in err
