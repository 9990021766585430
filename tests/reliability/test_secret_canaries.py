"""Secret canaries, end to end (issue 14, item 1): no key is found anywhere the app writes or shows.

Workspaces are added with unique keys (the sandbox's random Track, App and Pipelines keys, which work, and
``canary…`` keys that the sandbox rejects). Then real ``cio-desktop`` child processes (the CLI as a user
runs it) add, list, test, look up, send through Track and Pipelines (succeeding, rejected and against
server faults), crash (a planted bug whose exception text holds a key), export HAR and print curl; the
same calls and the practice workspace's sandbox child then go through the application layer
(``Services``) in this process, which keeps every exception raised.
Finally every place a key could land is searched for every canary in plain, base64, Basic-auth base64
(``site_id:key`` and ``key:``) and URL-encoded form: each file under ``CIO_DESKTOP_HOME`` (logs, history,
crash reports included), the exports, stdout and stderr of every CLI call, ``/proc/PID/cmdline`` and
``/proc/PID/environ`` of every child while it runs (the practice sandbox child included), and the text
(``str``, ``repr`` and the whole cause/context chain) of every exception the application layer raised.

The OAuth sign-in leg (``cio-desktop login NAME`` against the sandbox, driven by a BROWSER script) joins
as one more entry in ``STEPS`` once the OAuth work is on main; its tokens then join the canaries.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cio_desktop.api.errors import ApiError
from cio_desktop.lookup_query import IdentifierKind, LookupQuery
from cio_desktop.operations.lookup import look_up
from cio_desktop.operations.services import Services
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.fixtures.keyring import forget_keys
from tests.fixtures.sandbox import MakeSandbox
from tests.oauth.conftest import BROWSER_SCRIPT
from tests.reliability.conftest import Tally

pytestmark = pytest.mark.slow

SUITE = "secret canaries"
REPO = Path(__file__).resolve().parents[2]
CUSTOMER = WELL_KNOWN["customer_id"]
CHILD_TIMEOUT_S = 60

# A planted bug for the crash-report leg: the CLI's client is built with the keys from the keyring, and
# this child makes building it raise an exception whose text holds every key (as a careless library
# could). The crash report must keep the exception's type and code location only. Mocked on purpose:
# the app has no such bug to trigger for real.
PLANTED_CRASH = """
from cio_desktop.api import client

def planted(self, workspace, credentials, **kw):
    keys = [credentials.get(kind) for kind in sorted(credentials.kinds)]
    raise KeyError(f"planted bug holding {keys} for {workspace.site_id}")

client.CioClient.__init__ = planted
"""

# Every child is the real CLI (``cio_desktop.cli.main``, what ``cio-desktop`` runs), held at its start until
# the test has read its /proc entries: a command can finish faster than a loaded box lets the test look.
GATE = "import sys\nprint('ready', flush=True)\nsys.stdin.readline()\n"
RUN_CLI = "from cio_desktop.cli import main\nsys.exit(main(sys.argv[1:]))\n"

# The text of every exception raised in the child's Python code (caught or not, in any thread), with the
# function it passed through, written to a file outside the home for the sweep: a trace function that
# skips line events and keeps only "exception" events (once per frame the exception passes through).
# StopIteration, StopAsyncIteration and GeneratorExit are left out: they are how generators and
# coroutines hand back their values (a coroutine that returns a key "raises" StopIteration(key)), not
# errors anything could show.
TRACE_EXCEPTIONS = """
import threading
_raised = open({path!r}, "w", encoding="utf-8", errors="backslashreplace")
_RETURNS = (StopIteration, StopAsyncIteration, GeneratorExit)


def _exception(frame, event, arg):
    if event == "exception" and not isinstance(arg[1], _RETURNS):
        try:
            where = f"{{frame.f_code.co_filename}}:{{frame.f_code.co_name}}"
            text = f"{{type(arg[1]).__name__}}: {{arg[1]!s}} | {{arg[1]!r}}"
            _raised.write(where + "\\t" + text.replace("\\n", " ") + "\\n")
            _raised.flush()
        except Exception:
            pass
    return _exception


def _call(frame, event, arg):
    frame.f_trace_lines = False
    return _exception


sys.settrace(_call)
threading.settrace(_call)
"""

# The one exception whose text holds keys and is no leak: ``re``'s cache lookup misses (a KeyError of
# (type, pattern, flags), caught at once inside ``re._compile``) when the redactor compiles its pattern,
# which is made of the secrets' forms. Such lines are counted, not searched.
RE_CACHE_MISS = "/re/__init__.py:_compile\tKeyError: (<class 'str'>, "


def traced_exceptions(text: str) -> tuple[str, int]:
    """The traced lines to search, and how many ``re`` cache misses were set aside."""
    lines = text.splitlines()
    kept = [line for line in lines if RE_CACHE_MISS not in line]
    return "\n".join(kept), len(lines) - len(kept)


@dataclass
class Sweep:
    """Everything searched at the end, gathered while the scenario runs."""

    home: Path
    texts: dict[str, str] = field(default_factory=dict)  # label -> text (outputs, /proc, exceptions)
    files: list[Path] = field(default_factory=list)  # exports outside the home
    children: int = 0
    exceptions_seen: int = 0  # exception events traced in the CLI children
    re_cache_misses: int = 0  # set aside: see RE_CACHE_MISS

    def add(self, label: str, text: str) -> None:
        n = 0
        while f"{label} #{n}" in self.texts:
            n += 1
        self.texts[f"{label} #{n}"] = text

    def proc(self, pid: int, label: str) -> None:
        """Read a running child's command line and environment."""
        for part in ("cmdline", "environ"):
            raw = Path(f"/proc/{pid}/{part}").read_bytes()
            assert raw, f"/proc/{pid}/{part} of {label} is empty: the process was gone"
            self.add(f"{label} /proc {part}", raw.replace(b"\0", b"\n").decode("utf-8", "replace"))

    def exception(self, label: str, exc: BaseException) -> None:
        """The text of ``exc`` and of every exception in its cause/context chain."""
        seen: set[int] = set()
        current: BaseException | None = exc
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            detail = getattr(current, "detail", "")
            self.add(f"exception of {label}", f"{current!s}\n{current!r}\n{current.args!r}\n{detail}")
            current = current.__cause__ or current.__context__

    def cli(
        self,
        label: str,
        *argv: str,
        stdin: str = "",
        script: str | None = None,
        env: dict[str, str] | None = None,
        timeout: float = CHILD_TIMEOUT_S,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``cio-desktop ARGV`` as a real child process; its /proc entries are read while it runs."""
        raised = self.home.parent / "raised" / f"{self.children}.txt"
        raised.parent.mkdir(exist_ok=True)
        # The planted crash's exception holds the keys on purpose: only what the app shows of it counts.
        trace = "" if script else TRACE_EXCEPTIONS.format(path=str(raised))
        prefix = [sys.executable, "-c", GATE + trace + (script or "") + RUN_CLI]
        child = subprocess.Popen(  # our own program
            [*prefix, *argv],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, CIO_DESKTOP_HOME=str(self.home), NO_COLOR="1", **(env or {})),
            cwd=REPO,
        )
        # The child says "ready" once it runs and then waits for the gate's line: its /proc entries are
        # there to read (right after exec they can still be empty).
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        self.proc(child.pid, label)
        out, err = child.communicate("go\n" + stdin, timeout=timeout)
        self.children += 1
        if trace:
            text, cache_misses = traced_exceptions(raised.read_text(encoding="utf-8"))
            self.exceptions_seen += text.count("\n") + 1
            self.re_cache_misses += cache_misses
            self.add(f"{label} exceptions raised", text)
        self.add(f"{label} stdout", out)
        self.add(f"{label} stderr", err)
        return subprocess.CompletedProcess(child.args, child.returncode, out, err)


def forms(site_id: str, key: str) -> Iterator[str]:
    """How ``key`` could leak: plain, base64, Basic pairs (Track ``site:key``, Pipelines ``key:``),
    and URL-encoded (alone and in the pair)."""
    yield key
    yield base64.b64encode(key.encode()).decode()
    yield base64.b64encode(f"{site_id}:{key}".encode()).decode()
    yield base64.b64encode(f"{key}:".encode()).decode()
    yield urllib.parse.quote(key, safe="")
    yield urllib.parse.quote(f"{site_id}:{key}", safe="")
    yield urllib.parse.quote_plus(f"{site_id}:{key}")


def search(
    canaries: list[str], site_id: str, texts: dict[str, str], contents: dict[str, bytes]
) -> tuple[int, list[str]]:
    """How many (form, place) pairs were searched, and where a canary was found."""
    hits: list[str] = []
    searched = 0
    for canary in canaries:
        for form in set(forms(site_id, canary)):
            for label, text in texts.items():
                searched += 1
                if form in text:
                    hits.append(f"{form!r} in {label}")
            for path, data in contents.items():
                searched += 1
                if form.encode() in data:
                    hits.append(f"{form!r} in {path}")
    return searched, hits


def cli_workspace_add(
    sweep: Sweep, sb: ThreadedSandbox, name: str, track: str, app: str, pipelines: str
) -> None:
    info = sb.info
    argv = ["workspace", "add", "--name", name, "--region", "us", "--site-id", info.site_id]
    argv += ["--track-url", info.track_url, "--app-url", info.app_url, "--pipelines-url", info.pipelines_url]
    argv += ["--track-key-stdin", "--app-key-stdin", "--pipelines-key-stdin"]
    result = sweep.cli(f"add {name}", *argv, stdin=f"{track}\n{app}\n{pipelines}\n")
    assert result.returncode == 0, result.stderr


def cli_calls(sweep: Sweep, sb: ThreadedSandbox, tmp_path: Path) -> None:
    """Lookups and sends that work, are rejected, meet server faults and crash; HAR and curl exports."""
    ok = {
        "list": ("workspace", "list", "--json"),
        "show": ("workspace", "show", "Good"),
        "test": ("workspace", "test", "Good", "--json"),
        "lookup": ("lookup", "Good", "--id", CUSTOMER, "--json"),
        "lookup text": ("lookup", "Good", "--email", WELL_KNOWN["email"]),
        "send event": ("send", "Good", "event", "--customer", CUSTOMER, "--name", "canary", "--json"),
        "send identify": ("send", "Good", "identify", "--customer", CUSTOMER, "--data", '{"plan":"gold"}'),
        "pipelines identify": ("send", "Good", "identify", "--api", "pipelines", "--customer", CUSTOMER),
        "pipelines track": (
            "send",
            "Good",
            "track",
            "--api",
            "pipelines",
            "--customer",
            CUSTOMER,
            "--name",
            "c",
        ),
    }
    for label, argv in ok.items():
        result = sweep.cli(label, *argv)
        assert result.returncode == 0, (label, result.stderr)
    failing = {
        "test wrong": ("workspace", "test", "Wrong", "--json"),
        "lookup wrong": ("lookup", "Wrong", "--id", CUSTOMER),
        "send wrong": ("send", "Wrong", "event", "--customer", CUSTOMER, "--name", "x", "--json"),
        "lookup missing": ("lookup", "Good", "--id", "nobody-by-this-id"),
        "pipelines wrong": (
            "send",
            "Wrong",
            "identify",
            "--api",
            "pipelines",
            "--customer",
            CUSTOMER,
            "--json",
        ),
    }
    for label, argv in failing.items():
        assert sweep.cli(label, *argv).returncode != 0, label
    for fault, argv in (
        ("status=500", ("lookup", "Good", "--id", CUSTOMER)),
        ("malformed=1", ("send", "Good", "identify", "--customer", CUSTOMER, "--json")),
        ("drop=1", ("send", "Good", "event", "--customer", CUSTOMER, "--name", "dropped")),
    ):
        sb.set_faults([fault])
        assert sweep.cli(fault, *argv).returncode != 0, fault
    sb.set_faults([])
    crash = sweep.cli("planted crash", "lookup", "Good", "--id", CUSTOMER, script=PLANTED_CRASH)
    assert crash.returncode == 1
    assert "something unexpected went wrong (KeyError)" in crash.stderr, crash.stderr
    har = tmp_path / "exports" / "all.har"
    har.parent.mkdir()
    assert sweep.cli("export har", "history", "export", "--har", str(har)).returncode == 0
    sweep.files.append(har)
    records = json.loads(sweep.cli("history list", "history", "list", "--json").stdout)
    assert len(records) >= 10
    for n, record in enumerate(records):
        if n < 3:
            assert sweep.cli("show json", "history", "show", record["id"], "--json").returncode == 0
        shown = sweep.cli("curl", "history", "show", record["id"], "--curl")
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.startswith("curl"), shown.stdout
    curls = "".join(t for label, t in sweep.texts.items() if label.startswith("curl stdout"))
    assert "Authorization" in curls or "-u " in curls, "the curl copies carry a (redacted) credential"


async def in_process(sweep: Sweep) -> list[str]:
    """The same workspaces (Track, App and Pipelines keys) and the practice workspace through the
    application layer, keeping every exception it raises; returns the practice sandbox's keys (canaries
    too)."""
    services = Services.create()
    await services.load_workspaces()
    try:
        for workspace_name in ("Good", "Wrong"):
            client = await services.client_for(services.find_workspace(workspace_name))
            calls = {
                "lookup": look_up(client, LookupQuery(CUSTOMER, IdentifierKind.ID)),
                "track": client.track.event(CUSTOMER, "canary-in-process"),
                "pipelines": client.pipelines.identify(user_id=CUSTOMER, traits={"canary": True}),
            }
            for call, coroutine in calls.items():
                failed: ApiError | None = None
                try:
                    await coroutine
                except ApiError as exc:
                    failed = exc
                    sweep.exception(f"in-process {call} {workspace_name}", exc)
                assert (failed is not None) == (workspace_name == "Wrong"), (call, failed)
        # The practice workspace: a sandbox child process whose keys must travel neither on its command
        # line nor in its environment.
        practice = await services.ensure_demo()
        process = services.practice.process
        assert process is not None
        sweep.proc(process.pid, "practice sandbox")
        sweep.children += 1
        client = await services.client_for(practice)
        outcome = await look_up(client, LookupQuery(CUSTOMER, IdentifierKind.ID))
        sweep.add("practice lookup", repr(outcome))
        await client.track.event(CUSTOMER, "practice-canary")
        return [v for v in services.practice.secrets.values() if v]
    finally:
        await services.aclose()


def issued_tokens(sb: ThreadedSandbox) -> set[str]:
    """Every access and refresh token and authorization code the sandbox's OAuth server handed out."""
    return set(sb.oauth(lambda s: [*s.access, *s.refresh, *s.codes, *s.used_codes]))


def oauth_sign_in(sweep: Sweep, sb: ThreadedSandbox, tokens: set[str]) -> None:
    """`cio-desktop login` with a BROWSER script driving headless Chromium (Approve on the sandbox's
    consent page, then the loopback redirect); lookups with the token, a refresh after the access token
    expired, `logout` (revoked), and a lookup that fails after it. The tokens join the canaries."""
    info = sb.info
    argv = ["workspace", "add", "--name", "Signed", "--region", "us"]
    argv += ["--track-url", info.track_url, "--app-url", info.app_url]
    assert sweep.cli("add Signed", *argv).returncode == 0
    browser = {"BROWSER": BROWSER_SCRIPT, "CIO_TEST_BROWSER_ACTION": "approve"}
    login = sweep.cli(
        "login", "login", "Signed", "--issuer", info.issuer_url, "--scope", "read", env=browser, timeout=150
    )
    assert login.returncode == 0, login.stderr
    assert "Signed in 'Signed'" in login.stdout
    tokens |= issued_tokens(sb)  # now: a rotated refresh token is forgotten by the server
    lookup = ("lookup", "Signed", "--email", WELL_KNOWN["email"])
    assert sweep.cli("lookup signed", *lookup).returncode == 0
    sb.oauth(lambda s: s.expire_access_tokens())
    refreshed = sweep.cli("lookup refreshed", *lookup, "--json")
    assert refreshed.returncode == 0, refreshed.stderr
    assert sb.oauth(lambda s: s.refresh_calls) >= 1
    tokens |= issued_tokens(sb)
    logout = sweep.cli("logout", "logout", "Signed")
    assert logout.returncode == 0, logout.stderr
    assert sweep.cli("lookup signed out", *lookup).returncode == 1
    tokens |= issued_tokens(sb)


#: The scenario in order.
STEPS: tuple[str, ...] = ("add workspaces", "oauth sign-in", "cli calls", "in process and practice")


def test_no_canary_anywhere(
    make_sandbox: MakeSandbox, secret_service: Any, cio_home: Path, tmp_path: Path, tally: Tally
) -> None:
    sb = make_sandbox()
    info = sb.info
    token = os.urandom(6).hex()
    wrong = {kind: f"canary{kind}{token}" for kind in ("Track", "App", "Pipelines")}
    sweep = Sweep(cio_home)
    run_step: dict[str, Callable[[], object]] = {
        "add workspaces": lambda: (
            cli_workspace_add(
                sweep, sb, "Good", info.track_api_key, info.app_api_key, info.pipelines_write_key
            ),
            cli_workspace_add(sweep, sb, "Wrong", wrong["Track"], wrong["App"], wrong["Pipelines"]),
        ),
        "oauth sign-in": lambda: oauth_sign_in(sweep, sb, oauth_tokens),
        "cli calls": lambda: cli_calls(sweep, sb, tmp_path),
        "in process and practice": lambda: practice_keys.extend(asyncio.run(in_process(sweep))),
    }
    practice_keys: list[str] = []
    oauth_tokens: set[str] = set()
    try:
        for step in STEPS:
            run_step[step]()
    finally:
        from cio_desktop.workspaces import WorkspaceStore

        for ws in WorkspaceStore().load().workspaces:
            forget_keys(secret_service, ws.secrets_id)
            forget_keys(secret_service, f"oauth-{ws.id}")

    canaries = [
        info.track_api_key,
        info.app_api_key,
        info.pipelines_write_key,
        *wrong.values(),
        *practice_keys,
        *sorted(oauth_tokens),
    ]
    assert len(set(canaries)) == len(canaries) >= 8
    assert len(oauth_tokens) >= 5, "a code, two access tokens and two refresh tokens at least"
    files = [p for p in cio_home.rglob("*") if p.is_file()] + sweep.files
    names = {p.name for p in files}
    assert "history.jsonl" in names
    assert "workspaces.json" in names
    assert any(n.startswith("crash-") for n in names), "the planted crash wrote a report"
    contents = {str(p): p.read_bytes() for p in files}
    # The search itself finds a leak: a header as a careless log line would hold it, in text and bytes.
    basic = base64.b64encode(f"{info.site_id}:{wrong['Track']}".encode()).decode()
    control = {"control": f"Authorization: Basic {basic}"}
    assert len(search([wrong["Track"]], info.site_id, control, {"c": control["control"].encode()})[1]) == 2
    searched, hits = search(canaries, info.site_id, sweep.texts, contents)
    tally(SUITE, "clean", searched - len(hits))
    tally(SUITE, "hit", len(hits))
    tally(f"{SUITE}: where", "files", len(files))
    tally(f"{SUITE}: where", "outputs, /proc entries, exception texts", len(sweep.texts))
    tally(f"{SUITE}: what", "canaries", len(canaries))
    tally(f"{SUITE}: what", "child processes read in /proc", sweep.children)
    tally(f"{SUITE}: what", "exceptions traced in the children", sweep.exceptions_seen)
    tally(f"{SUITE}: what", "re cache misses set aside", sweep.re_cache_misses)
    assert sweep.exceptions_seen > 0, "the trace sees exceptions (a rejected key raises one)"
    assert not hits, hits
    # The sweep reads real content (not empty strings): the sandbox's answers reached stdout.
    assert any(WELL_KNOWN["email"] in text for text in sweep.texts.values())
    assert searched > 1000
