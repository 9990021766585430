"""Control characters never reach a terminal raw (attacker finding: attribute values and server error
text were printed with ESC, OSC and CR intact). One function (``cio_desktop.text_safety``) serves the
CLI's output streams and the GUI's single-line labels."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.text_safety import BIDI_CONTROLS, json_safe, safe_line, safe_text
from tests.api.cli_helpers import route_track_to, run_cli, sandbox_workspace
from tests.fixtures.recorder import Recorder, http_reply, serving_in_thread

HOSTILE = [
    "\x1b[2J\x1b[31mred",  # clear screen, colour
    "\x1b]0;owned title\x07",  # OSC: set the window title
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "real\rfake",  # CR: overwrite the line
    "a\x9b2Jb",  # C1 CSI
    "\x85next line",  # C1 NEL
    "abc\u202edcba",  # right-to-left override
    "x\u2066y\u2069",  # isolates
    "nul\x00del\x7f",
    "bell\x07back\x08",
]
RAW = {chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]} | set(BIDI_CONTROLS)


def _raw_in(text: str) -> set[str]:
    return {c for c in text if c in RAW}


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_line_and_text_leave_nothing_raw(text: str) -> None:
    assert _raw_in(safe_line(text)) == set()
    assert _raw_in(safe_text(text)) == set()
    assert "\n" not in safe_line(text + "\n")
    assert safe_text("a\n\tb") == "a\n\tb"
    as_json = json.dumps({"v": text}, ensure_ascii=False, indent=2)
    assert _raw_in(json_safe(as_json)) == set()
    assert json.loads(json_safe(as_json)) == {"v": text}


def test_attribute_values_are_printed_neutralised(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, secret_service: Any
) -> None:
    attributes = {f"a{i}": text for i, text in enumerate(HOSTILE)}
    with sandbox_workspace(sandbox, secret_service):
        code, _, err = run_cli(capsys, "send", "Sandbox", "identify", "--customer", "esc-1",
                               "--data", json.dumps(attributes))  # fmt: skip
        assert code == 0, err
        code, out, err = run_cli(capsys, "lookup", "Sandbox", "--id", "esc-1")
        assert code == 0, err
        assert _raw_in(out) == set()
        assert "\\x1b]0;owned title\\x07" in out
        code, out, err = run_cli(capsys, "lookup", "Sandbox", "--id", "esc-1", "--json")
        assert code == 0, err
        assert _raw_in(out) == set()
        person = json.loads(out)["person"]
        assert {k: person["attributes"][k] for k in attributes} == attributes
        code, out, _ = run_cli(capsys, "history", "list")
        assert _raw_in(out) == set()
    print(f"control-character cases tried: {len(HOSTILE)} values, text and JSON output")


@pytest.fixture
def hostile_server() -> Iterator[Recorder]:
    """A loopback server answering every request with a 400 whose error text is full of escapes."""
    body = json.dumps({"meta": {"error": "".join(HOSTILE)}}).encode()
    with serving_in_thread(Recorder("127.0.0.1", reply=http_reply("400 Bad Request", body))) as server:
        yield server


def test_server_error_text_is_printed_neutralised(
    capsys: pytest.CaptureFixture[str],
    sandbox: ThreadedSandbox,
    secret_service: Any,
    hostile_server: Recorder,
) -> None:
    with sandbox_workspace(sandbox, secret_service) as ws:
        route_track_to(ws, hostile_server.url)
        code, out, err = run_cli(capsys, "send", "Sandbox", "identify", "--customer", "e", "--data", "{}")
        assert code == 1
        assert "server said" in err
        assert _raw_in(err) == set()
        assert _raw_in(out) == set()
        code, out, err = run_cli(capsys, "send", "Sandbox", "identify", "--customer", "e", "--data", "{}",
                                 "--json")  # fmt: skip
        assert code == 1
        assert _raw_in(out + err) == set()
        assert json.loads(out)["ok"] is False


def test_gui_single_line_labels_are_neutralised(qtbot: Any) -> None:
    from cio_desktop.ui.panels.lookup_tables import cell
    from cio_desktop.ui.widgets.error_banner import ErrorBanner

    banner = ErrorBanner()
    qtbot.addWidget(banner)
    for text in HOSTILE:
        banner.show_message(f"server said: {text}", level="error", hint=text)
        assert _raw_in(banner.message_label.text()) == set()
        assert _raw_in(banner.hint_label.text()) == set()
        item = cell(text)
        assert _raw_in(item.text()) == set()
        assert _raw_in(item.toolTip()) == set()


@pytest.mark.parametrize(
    "url", ["https://track.example.com\r\nX-Evil: 1", "https://a.example\n.com", "https://a\u202e.example"]
)
def test_urls_with_line_breaks_or_invisible_characters_are_refused(url: str) -> None:
    from cio_desktop.errors import WorkspaceError
    from cio_desktop.workspaces import check_url

    with pytest.raises(WorkspaceError, match="control or invisible characters") as caught:
        check_url("Track API address", url)
    assert _raw_in(caught.value.message) == set()
