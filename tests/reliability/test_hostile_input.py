"""Hostile input, property-based (issue 14, Deliver item 3), with hypothesis: the workspace and settings
files (any bytes, any JSON, a symlink), the JSON event editor, customer identifiers, workspace names and
API answers of unexpected shape. No traceback, no hang, no secret in a message, nothing left behind.

Example counts are modest (``EXAMPLES``) to keep CI time low; every example is counted in the summary.
"""

from __future__ import annotations

import json
import string
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cio_desktop.api.errors import ApiError
from cio_desktop.api.exchange import Exchange
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.paths import segment
from cio_desktop.errors import ConfigError, WorkspaceError
from cio_desktop.json_check import check_json
from cio_desktop.models import Region, Workspace
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.people_ops import classify_v1
from cio_desktop.settings import SettingsStore
from cio_desktop.text_safety import unsafe_characters
from cio_desktop.workspaces import WorkspaceStore, validate
from tests.api.cli_helpers import run_cli, sandbox_workspace
from tests.fixtures.recorder import Recorder, http_reply, serving_in_thread
from tests.reliability.conftest import Tally

E = TypeVar("E", bound=Exception)
EXAMPLES = 60
CLI_EXAMPLES = 25  # each runs real CLI commands against the sandbox and the keyring (~0.5 s)
FIXTURE_OK = settings(
    max_examples=CLI_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=25,
)
HISTORY_KEYS = [*Exchange.__dataclass_fields__]
WORKSPACE_KEYS = ["id", "name", "region", "site_id", "track_url", "app_url", "workspace_id", "demo"]
file_contents = st.one_of(
    st.binary(max_size=3000),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.builds(
        lambda ws: json.dumps({"schema_version": 1, "workspaces": ws}).encode(),
        st.lists(st.dictionaries(st.sampled_from(WORKSPACE_KEYS), json_values), max_size=4),
    ),
    st.just(b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    st.just(b'{"schema_version": ' + b"7" * 5000 + b"}"),
    st.just(b'{"x": "\\udc80"}'),
)


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@settings(max_examples=EXAMPLES, deadline=None)
@given(content=file_contents, as_link=st.booleans())
def test_workspace_and_settings_files_any_content(content: bytes, as_link: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("workspaces.json", "settings.json"):
            path = folder / name
            if as_link:  # a symlink to a file someone else owns: read, but never written through
                target = folder / f"target-{name}"
                target.write_bytes(content)
                path.symlink_to(target)
            else:
                path.write_bytes(content)
        store = WorkspaceStore(folder / "workspaces.json")
        report = store.load()
        assert report.problem is None or "moved aside" in report.problem or "newer version" in report.problem
        refused = _error_of(lambda: store.add(Workspace(name="Fresh one")), ConfigError)
        if refused is not None:  # only a file from a newer version is read-only
            assert "newer version" in refused.message
        else:
            assert any(w.name == "Fresh one" for w in WorkspaceStore(folder / "workspaces.json").list())
        settings_store = SettingsStore(folder / "settings.json")
        settings_store.load()
        settings_store.update(timeout_s=15.0)
        assert SettingsStore(folder / "settings.json").load().timeout_s == 15.0
        if as_link:
            for name in ("workspaces.json", "settings.json"):
                assert (folder / f"target-{name}").read_bytes() == content
        assert _leftovers(folder) == []
    _count("files: workspaces.json and settings.json (any bytes, any JSON, symlinks)")


history_lines = st.lists(
    st.one_of(
        st.binary(max_size=200),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.dictionaries(st.sampled_from(HISTORY_KEYS), json_values, max_size=8).map(
            lambda d: json.dumps(d).encode()
        ),
    ),
    max_size=8,
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(lines=history_lines)
def test_history_file_any_lines(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.jsonl"
        path.write_bytes(b"\n".join(lines))
        history = RequestHistory(path, limit=3)
        loaded = history.load()
        assert loaded + history.skipped_lines <= max(len(lines), 1) + sum(line.count(b"\n") for line in lines)
        for n in range(6):
            history.record(Exchange(id=f"h{n}", workspace="W", method="GET", url="https://x/"))
        again = RequestHistory(path, limit=3)
        again.load()
        assert [e.id for e in again.records()][-1] == "h5"
        for record in again.records():  # what the inspector and `history list` do with each record
            assert record.started_at.tzinfo is not None
            assert isinstance(record.total_ms, float)
    _count("history.jsonl lines (any bytes, any JSON, records of wrong types)")


@settings(max_examples=EXAMPLES * 2, deadline=None)
@given(text=st.one_of(st.text(max_size=400), json_values.map(json.dumps), st.just("[" * 5000)))
@example(text='{"a": NaN}')
@example(text='{"a": "\\ud800"}')
@example(text='{"a":' * 101 + "1" + "}" * 101)
def test_event_editor_any_text(text: str) -> None:
    check = check_json(text)
    if check.ok:
        assert isinstance(check.value, dict)
    else:
        assert check.problem is not None
        assert check.problem.line >= 1
        assert check.problem.column >= 1
        assert check.problem.describe()
    _count("JSON event editor text")


identifiers = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", ".", "..", "/", "%", "%2F", "#", "?", "a/../b", "\u202eevil", "line\nbreak",
                     "\u05e9\u05dc\u05d5\u05dd", "x" * 10_000, "emoji \U0001f600", "tab\tid"]),
)  # fmt: skip


@settings(max_examples=EXAMPLES * 2, deadline=None)
@given(value=identifiers)
def test_identifiers_are_one_safe_segment(value: str) -> None:
    refused = _error_of(lambda: segment(value), ApiError)
    if refused is not None:
        assert not value.strip()
        assert "identifier is required" in refused.message
        _count("identifiers as path segments", "refused (empty)")
        return
    encoded = segment(value)
    assert encoded not in (".", "..")
    assert not set(encoded) & set("/?#\r\n\t ")
    assert set(encoded) <= set(string.ascii_letters + string.digits + "-._~%")
    assert unquote(encoded) == value
    _count("identifiers as path segments")


@pytest.fixture
def stored_sandbox(sandbox: ThreadedSandbox, secret_service: Any) -> Iterator[Workspace]:
    """The workspace "Sandbox" in the store and keyring for the whole test (all its examples)."""
    with sandbox_workspace(sandbox, secret_service) as ws:
        yield ws


@pytest.mark.slow
@FIXTURE_OK
@given(value=identifiers.filter(lambda v: bool(v.strip()) and len(v) <= 150))
def test_identifiers_reach_the_sandbox_unchanged(
    capsys: pytest.CaptureFixture[str], sandbox: ThreadedSandbox, stored_sandbox: Workspace, value: str
) -> None:
    argv = ["send", "Sandbox", "identify", "--customer", value, "--data", '{"probe": true}']
    code, _, err = run_cli(capsys, *argv)
    assert "something unexpected" not in err
    if code == 0:
        # Customer.io (and so the sandbox) reads a v1 path identifier with "@" as an email and one
        # starting "cio_" as a cio_id; anything else must arrive as exactly that id.
        kind, bare = classify_v1(value)
        people = sandbox.inspect(
            lambda ws: [
                p
                for p in ws.people.values()
                if (kind == "id" and p.id == bare)
                or (kind == "email" and (p.email or "").lower() == bare.lower())
                or (kind == "cio_id" and p.cio_id == bare)
            ]
        )
        if kind != "cio_id":  # an unknown cio_id addresses nobody; what the sandbox does there is its own
            assert len(people) == 1, value
    else:
        assert err.startswith("cio-desktop: ")  # a clear refusal, e.g. the sandbox's size limits
    _count("identifiers sent to the sandbox", "accepted" if code == 0 else "refused in words")


@settings(max_examples=EXAMPLES * 2, deadline=None)
@given(name=st.text(max_size=120))
def test_workspace_names(name: str) -> None:
    refused = _error_of(lambda: validate(Workspace(name=name)), WorkspaceError)
    if refused is not None:
        assert refused.message
        _count("workspace names", "refused in words")
        return
    clean = validate(Workspace(name=name))
    assert clean.name == name.strip()
    assert unsafe_characters(clean.name) == []
    with tempfile.TemporaryDirectory() as tmp:
        store = WorkspaceStore(Path(tmp) / "workspaces.json")
        store.add(clean)
        assert [w.name for w in WorkspaceStore(Path(tmp) / "workspaces.json").list()] == [clean.name]
    _count("workspace names", "accepted and saved")


@pytest.fixture
def odd_server(stored_sandbox: Workspace) -> Iterator[Recorder]:
    """A loopback server whose answer each example sets; the stored workspace's App API points at it."""
    with serving_in_thread(Recorder("127.0.0.1")) as server:
        WorkspaceStore().update(stored_sandbox.replace(region=Region.US, app_url=server.url))
        yield server


@pytest.mark.slow
@FIXTURE_OK
@given(
    answer=st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=200)),
    status=st.sampled_from(["200 OK", "201 Created", "400 Bad Request", "404 Not Found", "500 Oops"]),
)
def test_api_answers_of_unexpected_shape(
    capsys: pytest.CaptureFixture[str],
    sandbox: ThreadedSandbox,
    odd_server: Recorder,
    answer: bytes,
    status: str,
) -> None:
    odd_server.reply = http_reply(status, answer)
    for extra in ([], ["--json"]):
        code, out, err = run_cli(capsys, "lookup", "Sandbox", "--id", "odd", *extra)
        assert code in (0, 1), err
        assert "something unexpected" not in err, (status, answer)
        for secret in (sandbox.info.app_api_key, sandbox.info.track_api_key):
            assert secret not in out + err
    _count("API answers of unexpected shape (CLI lookup, text and JSON)")


def _error_of(call: Callable[[], object], kind: type[E]) -> E | None:
    """The ``kind`` error ``call`` raises, or None when it returns (any other exception propagates)."""
    try:
        call()
    except kind as exc:
        return exc
    return None


def _count(suite: str, outcome: str = "no traceback, no hang") -> None:
    Tally()(f"hostile input: {suite}", outcome)
