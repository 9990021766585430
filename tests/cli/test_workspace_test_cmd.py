"""``cio-desktop workspace test NAME``: checks each key against the sandbox, detects and stores the region."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cio_desktop.models import Region
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.workspaces import WorkspaceStore
from tests.api.cli_helpers import run_cli, sandbox_workspace, secret_forms
from tests.fixtures.sandbox import MakeSandbox


def test_all_keys_work_and_the_region_is_stored(
    capsys: pytest.CaptureFixture[str], make_sandbox: MakeSandbox, secret_service: Any
) -> None:
    sb = make_sandbox(region="eu")
    with sandbox_workspace(sb, secret_service, name="Shop EU"):
        code, out, err = run_cli(capsys, "workspace", "test", "Shop EU")
    assert code == 0, err
    assert "Workspace 'Shop EU' · region EU" in out
    assert "Track API: OK" in out
    assert "App API: OK" in out
    assert f"workspace id {sb.info.workspace_id}" in out
    stored = WorkspaceStore().get("Shop EU")
    assert stored.region is Region.EU
    assert stored.workspace_id == sb.info.workspace_id
    assert not any(s in out + err for s in secret_forms(sb))


def test_json_output(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service):
        code, out, _ = run_cli(capsys, "workspace", "test", "Sandbox", "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["ok"] is True
    assert doc["region"] == "us"
    assert doc["region_detected"] is True
    assert doc["track"]["status"] == doc["app"]["status"] == "ok"


def test_a_wrong_app_key_is_explained(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service, app_key="pasted-the-wrong-thing"):
        code, out, err = run_cli(capsys, "workspace", "test", "Sandbox")
    assert code == 1
    assert "Track API: OK" in out
    assert "App API: FAILED — The App API key was rejected." in out
    assert "technical detail: GET" in out
    assert "pasted-the-wrong-thing" not in out + err


def test_no_keys_stored(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service, track_key=None, app_key=None):
        code, out, _ = run_cli(capsys, "workspace", "test", "Sandbox")
    assert code == 1
    assert "Track API: not set" in out
    assert "No keys are stored" in out


def test_unknown_workspace(capsys: pytest.CaptureFixture[str], secret_service: Any) -> None:
    code, out, err = run_cli(capsys, "workspace", "test", "Nope")
    assert code == 1
    assert out == ""
    assert err.startswith("cio-desktop: ")
    assert "Nope" in err


def test_the_pipelines_key_is_tested_and_says_what_was_checked(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service, pipelines_key="<sandbox>"):
        code, out, err = run_cli(capsys, "workspace", "test", "Sandbox")
        assert code == 0, err
        assert "Pipelines API: OK — The Pipelines API key works" in out
        assert "a strict-mode call with an empty batch, which stores nothing" in out
        code, out, _ = run_cli(capsys, "workspace", "test", "Sandbox", "--json")
    assert json.loads(out)["pipelines"]["status"] == "ok"
    assert not any(s in out + err for s in secret_forms(sandbox))


def test_a_wrong_pipelines_key_fails_the_test(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service, pipelines_key="not-the-write-key"):
        code, out, _ = run_cli(capsys, "workspace", "test", "Sandbox", "--json")
    doc = json.loads(out)
    assert code == 1
    assert doc["pipelines"]["status"] == "failed"
    assert doc["track"]["status"] == doc["app"]["status"] == "ok"
    assert "not-the-write-key" not in out
