"""``cio-desktop self-test`` from source: every check passes here, and each check really can fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cio_desktop import resources
from cio_desktop.operations import selftest
from cio_desktop.sandbox.runner import ThreadedSandbox


def _self_test(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cio_desktop", "self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=150,
    )


@pytest.mark.slow
def test_self_test_passes_from_source_one_line_per_check() -> None:
    result = _self_test(dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    names = [line.split(":", 1)[0].split(None, 1)[1] for line in lines[:-1]]
    assert names == [
        "Qt offscreen",
        "Qt xcb plugin",
        "resources",
        "keyring",
        "TLS with the sandbox's CA",
        "TLS with a wrong CA",
        "round trip",
    ]
    assert all(line.startswith("ok ") for line in lines[:-1]), result.stdout
    assert lines[-1] == "self-test: all 7 checks passed"
    assert "SecretService" in lines[3]


@pytest.mark.slow
def test_self_test_fails_and_says_why_without_a_real_keyring() -> None:
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    result = _self_test(env)
    assert result.returncode == 1
    keyring_line = next(line for line in result.stdout.splitlines() if "keyring:" in line)
    assert keyring_line.startswith("FAIL")
    assert "No system keyring is available" in keyring_line
    assert result.stdout.strip().splitlines()[-1] == "self-test: 1 of 7 checks failed (keyring)"


async def test_wrong_ca_check_fails_when_the_wrong_ca_is_accepted(
    sandbox_tls: ThreadedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wrong-CA check is not vacuous: handed a CA that does sign the server, it reports FAIL."""
    info = sandbox_tls.info
    assert info.ca_file
    monkeypatch.setattr(selftest, "_wrong_ca", lambda _folder: info.ca_file)
    right, wrong = await selftest.check_tls(info, str(tmp_path))
    assert right.ok, right.line()
    assert not wrong.ok
    assert "was accepted" in wrong.detail


async def test_tls_check_fails_against_a_plain_http_sandbox(sandbox: ThreadedSandbox, tmp_path: Path) -> None:
    [check] = await selftest.check_tls(sandbox.info, str(tmp_path))
    assert not check.ok
    assert "did not serve HTTPS" in check.detail


async def test_qt_check_reports_a_qt_that_aborts() -> None:
    message = "qt.qpa.plugin: Could not load the Qt platform plugin"
    code = f"import sys; sys.stderr.write({message!r}); sys.exit(134)"
    [check] = await selftest.check_qt([sys.executable, "-c", code])
    assert not check.ok
    assert "exit status 134" in check.detail
    assert "Could not load the Qt platform plugin" in check.detail


def test_resources_check_names_the_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundle without its resources (frozen, ``_MEIPASS`` elsewhere) fails the check with the path."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resource_root() == tmp_path / "resources"
    check = selftest.check_resources()
    assert not check.ok
    assert "icons/hicolor/16x16/apps/io.github.cio_desktop.CioDesktop.png is missing" in check.detail


def test_resources_are_found_from_source() -> None:
    paths = resources.app_icon_paths()
    assert [p.parent.parent.name for p in paths] == [f"{n}x{n}" for n in resources.ICON_SIZES]
    assert resources.resource_path(f"icons/{resources.APP_ID}.svg").is_file()
