"""Every command, succeeding and failing, prints no key: plain, base64, or as the Site ID:key Basic pair.

The sweep drives real commands against a sandbox (right keys, rejected keys, server faults, unreadable
answers, a slow server, a pasted key where a URL belongs) and searches stdout, stderr and every file the
commands wrote.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.api.cli_helpers import run_cli, sandbox_workspace, secret_forms
from tests.fixtures.sandbox import MakeSandbox

WRONG_TRACK = "wrongtrackkey0123456789"
WRONG_APP = "wrongappkey9876543210abc"


def _forms(*values: str, site: str) -> list[str]:
    out: list[str] = []
    for value in values:
        out += [value, base64.b64encode(value.encode()).decode()]
        out.append(base64.b64encode(f"{site}:{value}".encode()).decode())
        out.append(f"{site}:{value}")
    return out


def test_no_key_in_any_command_output_even_when_it_fails(
    capsys: pytest.CaptureFixture[str],
    make_sandbox: MakeSandbox,
    secret_service: Any,
    cio_home: Path,
    tmp_path: Path,
) -> None:
    sb = make_sandbox()
    info = sb.info
    outputs: list[tuple[str, int, str]] = []

    def run(label: str, *argv: str, stdin: str | None = None) -> int:
        code, out, err = run_cli(capsys, *argv, stdin=stdin)
        outputs.append((label, code, out + err))
        return code

    customer = WELL_KNOWN["customer_id"]
    with (
        sandbox_workspace(sb, secret_service, name="Good"),
        sandbox_workspace(sb, secret_service, name="Wrong keys", track_key=WRONG_TRACK, app_key=WRONG_APP),
    ):
        assert run("test ok", "workspace", "test", "Good") == 0
        assert run("test ok json", "workspace", "test", "Good", "--json") == 0
        assert run("show", "workspace", "show", "Good") == 0
        assert run("list", "workspace", "list", "--json") == 0
        assert run("lookup ok", "lookup", "Good", "--id", customer, "--json") == 0
        assert run("send ok", "send", "Good", "identify", "--customer", customer, "--json") == 0
        assert run("test wrong", "workspace", "test", "Wrong keys") != 0
        assert run("test wrong json", "workspace", "test", "Wrong keys", "--json") != 0
        assert run("lookup wrong", "lookup", "Wrong keys", "--id", customer) != 0
        assert run("send wrong", "send", "Wrong keys", "event", "--customer", customer, "--name", "x") != 0
        # Server faults (each retried a little, so one command per fault keeps this quick).
        for fault, command in (
            ("status=500", ("lookup", "Good", "--id", customer)),
            ("truncate=1", ("lookup", "Good", "--id", customer, "--json")),
            ("drop=1", ("send", "Good", "identify", "--customer", customer)),
            ("malformed=1", ("send", "Good", "identify", "--customer", customer, "--json")),
        ):
            sb.set_faults([fault])
            assert run(fault, *command) != 0
        sb.set_faults([])
        # A key pasted where the address belongs, and keys piped for a new workspace.
        pasted = f"{info.site_id}:{info.track_api_key}@track.customer.io"
        assert run("pasted url", "workspace", "add", "--name", "Pasted", "--track-url", pasted) != 0
        assert (
            run(
                "pasted url port",
                "workspace",
                "add",
                "--name",
                "Pasted2",
                "--track-url",
                f"https://{info.site_id}:{info.track_api_key}@h:x",
            )
            != 0
        )
        keys = f"{info.track_api_key}\n{info.app_api_key} with a space\n"
        run(
            "add bad key",
            "workspace",
            "add",
            "--name",
            "Piped",
            "--site-id",
            info.site_id,
            "--track-key-stdin",
            "--app-key-stdin",
            stdin=keys,
        )
        run("history", "history", "list", "--json")
        run("export", "history", "export", "--har", str(tmp_path / "h.har"))
    assert any(code != 0 for _, code, _ in outputs)
    files = b"".join(p.read_bytes() for p in [*cio_home.rglob("*"), tmp_path / "h.har"] if p.is_file())
    secrets = secret_forms(sb) + _forms(
        info.track_api_key, info.app_api_key, WRONG_TRACK, WRONG_APP, site=info.site_id
    )
    for secret in secrets:
        for label, _code, text in outputs:
            assert secret not in text, f"a key leaked into the output of '{label}'"
        assert secret.encode() not in files, "a key leaked into a file"
