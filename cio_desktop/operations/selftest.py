"""``cio-desktop self-test``: prove that this installation (source or bundle) has every part it needs.

Each check returns one ``Check`` (passed or not, and what exactly was checked or why it failed):
- Qt: a child process (this same program, ``self-test --qt-probe``) starts Qt offscreen, shows and paints a
  window, and on Linux loads the xcb platform plugin with the system libraries it needs. A child, because a
  Qt that cannot start aborts its process; and no Qt is imported here (the import rule).
- resources: the app icon's files are found by the one resource lookup.
- keyring: the backend is a real OS keyring and answers (otherwise the reason is given).
- TLS: a sandbox child process started with ``--tls`` is verified with its CA, and refused with a wrong CA.
- round trip: through that sandbox, an identify and an event are sent, then the person is looked up and the
  event is seen among their activities.
Every step has a deadline, so a hung part fails its check instead of hanging the command.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cio_desktop.api.client import CioClient
    from cio_desktop.sandbox.options import SandboxInfo

QT_PROBE_TIMEOUT_S = 60.0  # a cold start of Qt on a loaded 2-core machine takes seconds, not minutes
KEYRING_TIMEOUT_S = 10.0
NETWORK_TIMEOUT_S = 30.0
ARRIVAL_TIMEOUT_S = 15.0
QT_PROBE_FLAG = "--qt-probe"


@dataclass(frozen=True, slots=True)
class Check:
    """One check's outcome: ``name`` (short), ``ok`` and ``detail`` (what was checked, or why it failed)."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        """The line ``self-test`` prints for this check."""
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


# ---- Qt (in a child process) ---------------------------------------------------------------------------
async def check_qt(command: list[str] | None = None) -> list[Check]:
    """Run the Qt probe in a child and turn its JSON answer into the offscreen and xcb checks."""
    from cio_desktop.sandbox.process import own_command

    argv = command or [*own_command(), "self-test", QT_PROBE_FLAG]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    failed = "offscreen Qt did not answer"
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
    except OSError as exc:
        return [Check("Qt offscreen", False, f"{failed}: could not start {argv[0]} ({exc.strerror})")]
    try:
        out, err = await asyncio.wait_for(proc.communicate(), QT_PROBE_TIMEOUT_S)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return [Check("Qt offscreen", False, f"{failed} within {QT_PROBE_TIMEOUT_S:.0f} s")]
    answer = _last_json_line(out.decode("utf-8", "replace"))
    if answer is None:
        tail = " | ".join(err.decode("utf-8", "replace").strip().splitlines()[-3:])
        return [Check("Qt offscreen", False, f"{failed} (exit status {proc.returncode}): {tail}")]
    return [
        Check("Qt offscreen", bool(answer.get("offscreen_ok")), str(answer.get("offscreen", ""))),
        Check("Qt xcb plugin", bool(answer.get("xcb_ok")), str(answer.get("xcb", ""))),
    ]


def _last_json_line(text: str) -> dict[str, Any] | None:
    for line in reversed(text.strip().splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


# ---- resources and keyring ----------------------------------------------------------------------------
def check_resources() -> Check:
    """The app icon's PNGs are where the resource lookup says."""
    from cio_desktop.resources import ResourceMissingError, app_icon_paths, resource_root

    try:
        paths = app_icon_paths()
    except ResourceMissingError as exc:
        return Check("resources", False, str(exc))
    return Check("resources", True, f"{len(paths)} app icon sizes found in {resource_root()}")


async def check_keyring() -> Check:
    """The keyring backend is a real OS keyring and answers a read (the reason when it is not)."""
    from cio_desktop.secrets import SecretStore

    status = await SecretStore(timeout=KEYRING_TIMEOUT_S).status()
    return Check("keyring", status.secure, f"backend {status.name!r}: {status.message}")


# ---- TLS and the round trip through a sandbox ----------------------------------------------------------
def _client(info: SandboxInfo, ca_file: str | None) -> CioClient:
    from cio_desktop.api import CioClient, Credentials, NetworkSettings
    from cio_desktop.models import Region, Workspace

    workspace = Workspace(
        name="self-test",
        region=Region.US,
        site_id=info.site_id,
        track_url=info.track_url,
        app_url=info.app_url,
        ca_file=ca_file,
        workspace_id=info.workspace_id,
        demo=True,
    )
    credentials = Credentials(track_api_key=info.track_api_key, app_api_key=info.app_api_key)
    settings = NetworkSettings(timeout_s=NETWORK_TIMEOUT_S, connect_timeout_s=10.0)
    return CioClient(workspace, credentials, settings=settings)


def _wrong_ca(folder: str) -> str:
    """A PEM file with a freshly made CA that signed nothing the sandbox serves."""
    import trustme

    path = str(Path(folder) / "wrong-ca.pem")
    trustme.CA().cert_pem.write_to_path(path)
    return path


async def check_tls(info: SandboxInfo, scratch: str) -> list[Check]:
    """The sandbox's HTTPS is verified with its CA and refused with a wrong one."""
    from cio_desktop.api import ApiError, TlsError

    url = info.app_url
    if not url.startswith("https://") or not info.ca_file:
        return [Check("TLS", False, f"the sandbox did not serve HTTPS ({url})")]
    try:
        async with _client(info, info.ca_file) as client:
            await client.app.list_segments()
        right = Check("TLS with the sandbox's CA", True, f"{url} verified against {info.ca_file}")
    except ApiError as exc:
        right = Check("TLS with the sandbox's CA", False, f"{url}: {type(exc).__name__}: {exc}")
    wrong_ca = await asyncio.to_thread(_wrong_ca, scratch)
    name = "TLS with a wrong CA"
    try:
        async with _client(info, wrong_ca) as client:
            await client.app.list_segments()
        wrong = Check(name, False, f"{url} was accepted although its certificate is not signed by that CA")
    except TlsError:
        wrong = Check(name, True, f"{url} refused (certificate not verified), as it must be")
    except ApiError as exc:
        wrong = Check(name, False, f"{url} failed, but not as a TLS error: {type(exc).__name__}: {exc}")
    return [right, wrong]


async def check_round_trip(info: SandboxInfo) -> Check:
    """Identify a new person, send an event, look the person up by email and see the event arrive."""
    from cio_desktop.api import ApiError
    from cio_desktop.api.verify import wait_for_activity
    from cio_desktop.lookup_query import IdentifierKind, LookupQuery
    from cio_desktop.operations.lookup import CustomerProfile, look_up

    person = f"self-test-{secrets.token_hex(4)}"
    email = f"{person}@example.com"
    since = time.time()
    name = "round trip"
    try:
        async with _client(info, info.ca_file) as client:
            await client.track.identify(person, {"email": email})
            await client.track.event(person, "self_test", {"source": "cio-desktop self-test"})
            found = await look_up(client, LookupQuery(value=email, kind=IdentifierKind.EMAIL))
            if not isinstance(found, CustomerProfile):
                return Check(name, False, f"the lookup of {email} found {type(found).__name__}")
            if found.identifiers.get("id") != person:
                return Check(name, False, f"the lookup of {email} found {found.identifiers!r}")
            arrived = await wait_for_activity(
                client, person, "self_test", since=since, timeout_s=ARRIVAL_TIMEOUT_S, poll_s=0.2
            )
    except ApiError as exc:
        return Check(name, False, f"{type(exc).__name__}: {exc}")
    if arrived is None:
        return Check(name, False, f"the event sent for {person} did not arrive in {ARRIVAL_TIMEOUT_S:.0f} s")
    return Check(name, True, f"sent identify + event for {person}, looked them up by email, event arrived")


async def check_sandbox() -> list[Check]:
    """Start ``cio-desktop sandbox --tls`` as a child (what the practice workspace runs), then run the TLS
    and round-trip checks against it; stops it in every case."""
    from cio_desktop.errors import CioDesktopError
    from cio_desktop.sandbox.options import SandboxOptions
    from cio_desktop.sandbox.process import start_sandbox_process

    try:
        process = await start_sandbox_process(SandboxOptions(tls=True, people=20, rate_limit=None))
    except CioDesktopError as exc:
        detail = getattr(exc, "detail", "") or ""
        return [Check("sandbox --tls", False, f"{exc} {detail}".strip())]
    try:
        with tempfile.TemporaryDirectory(prefix="cio-self-test-") as scratch:
            return [*await check_tls(process.info, scratch), await check_round_trip(process.info)]
    finally:
        await process.stop()


# ---- all of it -----------------------------------------------------------------------------------------
async def run_all(
    report: Callable[[Check], None], qt: Callable[[], Awaitable[list[Check]]] | None = None
) -> list[Check]:
    """Run every check in order, handing each result to ``report`` as soon as it is known."""
    results: list[Check] = []

    def add(checks: list[Check]) -> None:
        for check in checks:
            results.append(check)
            report(check)

    add(await (qt or check_qt)())
    add([check_resources()])
    add([await check_keyring()])
    add(await check_sandbox())
    return results
