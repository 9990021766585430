"""``cio-desktop send NAME --api pipelines ...`` against the sandbox's Pipelines face: the call arrives,
``--verify`` finds it in the person's activities, and no form of the write key is ever printed or kept
in the history, its HAR export or a curl copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.sandbox import ThreadedSandbox
from tests.api.cli_helpers import run_cli, sandbox_workspace, secret_forms


def test_identify_then_track_with_verify(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service, pipelines_key="<sandbox>"):
        code, out, err = run_cli(
            capsys, "send", "Sandbox", "--api", "pipelines", "identify", "--customer", "cli-cdp-1",
            "--data", '{"plan": "pro"}', "--context", '{"ip": "203.0.113.7"}',
        )  # fmt: skip
        assert code == 0, err
        assert f"Request:  POST {sandbox.info.pipelines_url}/v1/identify" in out
        sent = json.loads(out.splitlines()[1])
        assert sent["userId"] == "cli-cdp-1"
        assert sent["traits"] == {"plan": "pro"}
        assert sent["context"]["ip"] == "203.0.113.7"
        assert sent["messageId"]
        assert sent["timestamp"]
        assert "Status:   200" in out
        code, out, err = run_cli(
            capsys, "send", "Sandbox", "--api", "pipelines", "track", "--customer", "cli-cdp-1",
            "--name", "Course Started", "--data", '{"title": "Intro"}', "--verify", "--timeout", "10",
        )  # fmt: skip
    assert code == 0, err
    assert "Arrived: it is in the person's activities" in out
    assert sandbox.inspect(lambda ws: ws.by_id("cli-cdp-1").attributes["plan"]) == "pro"
    assert not any(s in out + err for s in secret_forms(sandbox))


def test_every_other_call_and_json_output(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    base = ["send", "Sandbox", "--api", "pipelines"]
    with sandbox_workspace(sandbox, secret_service, pipelines_key="<sandbox>"):
        for argv in (
            ["page", "--customer", "cli-cdp-2", "--name", "Docs", "--data", '{"url": "https://e.com/d"}'],
            ["screen", "--anonymous-id", "anon-cli", "--name", "Home"],
            ["group", "--customer", "cli-cdp-2", "--group-id", "acme", "--data", '{"name": "Acme"}'],
            ["alias", "--customer", "cli-cdp-2", "--previous-id", "anon-cli"],
            ["batch", "--data", '[{"type": "track", "userId": "cli-cdp-2", "event": "Batched"}]'],
        ):
            code, out, err = run_cli(capsys, *base, *argv, "--json")
            assert code == 0, (argv, err)
            doc = json.loads(out)
            assert doc["api"] == "pipelines"
            assert doc["status"] == 200
            assert doc["request"]["url"] == f"{sandbox.info.pipelines_url}/v1/{argv[0]}"
        code, out, _ = run_cli(
            capsys, *base, "page", "--customer", "cli-cdp-2", "--data", '{"url": "https://e.com/v"}',
            "--verify", "--json",
        )  # fmt: skip
    assert code == 0
    assert json.loads(out)["activity"]["name"] == "https://e.com/v"
    cio = sandbox.inspect(lambda ws: ws.by_id("cli-cdp-2").cio_id)
    names = sandbox.inspect(lambda ws: {a.get("name") for a in ws.activities if a.get("_cio") == cio})
    assert {"Batched", "Home"} <= names  # the alias merged the anonymous screen view


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["track", "--customer", "u"], "'send track' needs --name"),
        (["group", "--customer", "u"], "needs --group-id"),
        (["alias", "--customer", "u"], "--previous-id"),
        (["identify"], "needs --customer (the userId) or --anonymous-id"),
        (["event", "--customer", "u", "--name", "x"], "is a Track API call"),
        (["identify", "--customer", "u", "--id-type", "email"], "always an id"),
        (["track", "--anonymous-id", "v", "--name", "E", "--verify"], "--verify works with"),
        (["identify", "--customer", "u", "--context", "[1]"], "--context must be a JSON object"),
    ],
)
def test_bad_flags_get_one_clear_line(
    capsys: pytest.CaptureFixture[str],
    sandbox: ThreadedSandbox,
    secret_service: Any,
    argv: list[str],
    words: str,
) -> None:
    with sandbox_workspace(sandbox, secret_service, pipelines_key="<sandbox>"):
        code, _out, err = run_cli(capsys, "send", "Sandbox", "--api", "pipelines", *argv)
    assert code != 0
    assert words in err, err


def test_pipelines_flags_without_the_api_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "send", "X", "identify", "--customer", "u", "--group-id", "g")
    assert code != 0
    assert "--group-id only work with --api pipelines" in err
    code, _, err = run_cli(capsys, "send", "X", "alias", "--customer", "u")
    assert "is a Pipelines call: add --api pipelines" in err


def test_a_wrong_write_key_is_an_auth_error_without_the_key(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    with sandbox_workspace(sandbox, secret_service, pipelines_key="not-the-write-key"):
        code, out, err = run_cli(
            capsys, "send", "Sandbox", "--api", "pipelines", "identify", "--customer", "u"
        )
    assert code != 0
    assert "Pipelines API key was rejected" in err
    assert "not-the-write-key" not in out + err


def test_history_har_and_curl_show_pipelines_calls_redacted(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any, tmp_path: Path
) -> None:
    with sandbox_workspace(sandbox, secret_service, pipelines_key="<sandbox>"):
        code, _, err = run_cli(
            capsys, "send", "Sandbox", "--api", "pipelines", "track", "--customer", "h-1", "--name", "E"
        )
        assert code == 0, err
        code, listing, _ = run_cli(capsys, "history", "list", "--json")
        assert code == 0
        record = next(r for r in json.loads(listing) if r["url"].endswith("/cdp/v1/track"))
        code, curl, _ = run_cli(capsys, "history", "show", record["id"], "--curl")
        assert code == 0
        har = tmp_path / "calls.har"
        code, _, _ = run_cli(capsys, "history", "export", "--har", str(har))
        assert code == 0
    assert '-u "$CIO_PIPELINES_KEY:"' in curl
    text = listing + curl + har.read_text(encoding="utf-8")
    assert '"event":"E"' in text.replace(" ", "") or '\\"event\\":\\"E\\"' in text.replace(" ", "")
    assert not any(s in text for s in secret_forms(sandbox))
