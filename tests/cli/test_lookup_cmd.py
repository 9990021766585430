"""``cio-desktop lookup NAME (--id|--email|--cio-id)``: a person from the sandbox, in words or JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.api.cli_helpers import run_cli, sandbox_workspace, secret_forms


def test_lookup_by_email(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service):
        code, out, err = run_cli(capsys, "lookup", "Sandbox", "--email", WELL_KNOWN["email"])
    assert code == 0, err
    assert f"id={WELL_KNOWN['customer_id']}" in out
    assert f"first_name: {WELL_KNOWN['first_name']}" in out
    assert WELL_KNOWN["device_id"] in out
    assert "Segments (" in out
    assert "Latest activities (" in out
    assert not any(s in out + err for s in secret_forms(sandbox))


@pytest.mark.parametrize(
    "argv",
    [
        ("--id", WELL_KNOWN["customer_id"]),
        ("--cio-id", WELL_KNOWN["cio_id"]),
        ("--cio-id", "cio_" + WELL_KNOWN["cio_id"]),
    ],
)
def test_lookup_json_by_id_and_cio_id(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any, argv: tuple[str, str]
) -> None:
    with sandbox_workspace(sandbox, secret_service):
        code, out, _ = run_cli(capsys, "lookup", "Sandbox", *argv, "--json", "--activities", "3")
    assert code == 0
    person = json.loads(out)["person"]
    assert person["identifiers"]["cio_id"] == WELL_KNOWN["cio_id"]
    assert person["attributes"]["first_name"] == WELL_KNOWN["first_name"]
    assert len(person["activities"]) <= 3
    assert [d["id"] for d in person["devices"]] == [WELL_KNOWN["device_id"]]


def test_shared_email_lists_the_people_and_says_how_to_pick_one(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service):
        code, out, err = run_cli(capsys, "lookup", "Sandbox", "--email", WELL_KNOWN["shared_email"])
        assert code == 1, "no single person was shown"
        assert "2 people share this email" in err
        assert "--cio-id" in err
        lines = out.strip().splitlines()
        assert len(lines) == 2
        assert WELL_KNOWN["shared_customer_id_1"] in out
        assert WELL_KNOWN["shared_customer_id_2"] in out
        picked = lines[0].split()[1]  # "--cio-id CIO_ID  id=…  email=…"
        code, out, err = run_cli(capsys, "lookup", "Sandbox", "--cio-id", picked, "--json")
        assert code == 0, err
        assert json.loads(out)["person"]["identifiers"]["email"] == WELL_KNOWN["shared_email"]
        code, out, _ = run_cli(capsys, "lookup", "Sandbox", "--email", WELL_KNOWN["shared_email"], "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["several"] is True
    assert {m["id"] for m in doc["matches"]} == {
        WELL_KNOWN["shared_customer_id_1"],
        WELL_KNOWN["shared_customer_id_2"],
    }


def test_a_bare_hex_id_is_retried_as_a_cio_id(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service):
        code, out, err = run_cli(capsys, "lookup", "Sandbox", "--id", WELL_KNOWN["cio_id"], "--json")
    assert code == 0, err
    person = json.loads(out)["person"]
    assert person["id_type"] == "cio_id"
    assert person["identifiers"]["id"] == WELL_KNOWN["customer_id"]


def test_missing_person(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service):
        code, out, err = run_cli(
            capsys, "lookup", "Sandbox", "--id", WELL_KNOWN["missing_customer_id"], "--json"
        )
    assert code == 1
    assert json.loads(out)["error"]["kind"] == "NotFoundError"
    assert err.startswith("cio-desktop: Nothing was found")


def test_without_an_app_key(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service, app_key=None):
        code, _, err = run_cli(capsys, "lookup", "Sandbox", "--id", "x")
    assert code == 1
    assert "no App API key" in err


def test_exactly_one_identifier_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        run_cli(capsys, "lookup", "Sandbox", "--id", "a", "--email", "b@example.com")
    assert caught.value.code == 2


def test_as_a_real_process(cio_home: Path, sandbox: ThreadedSandbox, secret_service: Any) -> None:
    with sandbox_workspace(sandbox, secret_service):
        proc = subprocess.run(
            [sys.executable, "-m", "cio_desktop", "lookup", "Sandbox", "--id", WELL_KNOWN["customer_id"]],
            capture_output=True, text=True, timeout=60, env=dict(os.environ),
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert f"first_name: {WELL_KNOWN['first_name']}" in proc.stdout
