"""Customer.io's official Pipelines client for Python (``customerio-cdp-analytics``), unchanged, against
the sandbox's Pipelines face, as ``test_official_client.py`` does for the Track client.

It ships a ``customerio`` package of its own, so ``bootstrap.sh --dev`` installs it into
``.venv/cdp-client`` and this test runs it in a child interpreter with that folder first on
``sys.path`` (no network: the test only uses what bootstrap installed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cio_desktop.sandbox import ThreadedSandbox
from tests.sandbox.helpers import Api

CLIENT_DIR = Path(sys.prefix) / "cdp-client"
SCRIPT = Path(__file__).with_name("official_cdp_client.py")


def run_client(url: str, key: str, mode: str) -> list[str]:
    assert (CLIENT_DIR / "customerio" / "analytics").is_dir(), (
        f"customerio-cdp-analytics is not installed in {CLIENT_DIR}: run bash packaging/bootstrap.sh --dev"
    )
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["PYTHONPATH"] = str(CLIENT_DIR)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), url, key, mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1])["errors"])


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async", "strict-sync"])
def test_official_client_calls_arrive(sb: ThreadedSandbox, api: Api, mode: str) -> None:
    info = sb.info
    assert run_client(info.pipelines_url, info.pipelines_write_key, mode) == []
    user = f"official-{mode}"
    customer = api.attributes(user).json()["customer"]
    assert customer["attributes"]["plan"] == "pro"
    assert customer["attributes"]["seats"] == "5"
    kinds = {(a["type"], a.get("name")) for a in api.activities(user)}
    assert {
        ("event", "Course Started"),
        ("page", "https://example.com/docs"),
        ("screen", "Settings"),
    } <= kinds
    assert ("event", "Browsed") in kinds  # the anonymous event, merged by alias
    assert ("add_relationship", None) in kinds


@pytest.mark.slow
def test_official_client_region_key_as_bearer(sb: ThreadedSandbox, api: Api) -> None:
    info = sb.info
    assert run_client(info.pipelines_url, f"pk_us_{info.pipelines_write_key}", "strict-sync") == []
    assert api.attributes("official-strict-sync").status_code == 200


@pytest.mark.slow
def test_official_client_reads_strict_mode_401(sb: ThreadedSandbox, api: Api) -> None:
    errors = run_client(sb.info.pipelines_url, "not-the-write-key", "strict-sync")
    assert errors
    assert all(e.startswith("APIError: [customer.io] unauthorized:") and e.endswith("(401)") for e in errors)
    assert api.attributes("official-strict-sync").status_code == 404
