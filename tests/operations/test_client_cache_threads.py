"""Building a workspace's client reads the trust store and CA files in a thread, never on the event loop."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Sequence

import pytest

from cio_desktop.api import transport
from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations.key_check import KeyState
from cio_desktop.operations.services import Services
from cio_desktop.sandbox import SandboxInfo, ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from cio_desktop.secrets import SecretStore


@pytest.fixture
def context_threads(monkeypatch: pytest.MonkeyPatch) -> list[threading.Thread]:
    """The threads on which TLS contexts (trust store + CA files) get built during the test."""
    built_on: list[threading.Thread] = []
    real = transport._new_context

    def spy(ca_files: Sequence[str]) -> ssl.SSLContext:
        built_on.append(threading.current_thread())
        return real(ca_files)

    monkeypatch.setattr(transport, "_new_context", spy)
    return built_on


def _tls_workspace(info: SandboxInfo) -> Workspace:
    return Workspace(
        name="TLS shop",
        region=Region(info.region),
        site_id=info.site_id,
        track_url=info.track_url,
        app_url=info.app_url,
        ca_file=info.ca_file,
    )


def _keys(info: SandboxInfo) -> dict[SecretKind, str]:
    return {SecretKind.TRACK_API_KEY: info.track_api_key, SecretKind.APP_API_KEY: info.app_api_key}


def _assert_built_off_the_loop(built_on: list[threading.Thread]) -> None:
    assert built_on, "the workspace's CA file was read"
    assert threading.main_thread() not in built_on, "the CA file was read on the event loop's thread"


async def test_the_tls_context_is_built_off_the_event_loop(
    sandbox_tls: ThreadedSandbox, context_threads: list[threading.Thread]
) -> None:
    info = sandbox_tls.info
    services = Services(secrets=SecretStore(session_only=True))
    workspace = await services.add_workspace(_tls_workspace(info), _keys(info))
    try:
        client = await services.client_for(workspace)
        result = await client.app.attributes(WELL_KNOWN["customer_id"])
        assert result is not None  # the context built in the thread is the one the call used
    finally:
        await services.aclose()
    _assert_built_off_the_loop(context_threads)


async def test_testing_keys_builds_the_tls_context_off_the_event_loop(
    sandbox_tls: ThreadedSandbox, context_threads: list[threading.Thread]
) -> None:
    """The wizard's "test the keys" step makes its own clients: the same rule holds for them."""
    info = sandbox_tls.info
    services = Services(secrets=SecretStore(session_only=True))
    try:
        report = await services.check_credentials(_tls_workspace(info), _keys(info))
    finally:
        await services.aclose()
    assert report.track.state is KeyState.WORKS
    assert report.app.state is KeyState.WORKS
    _assert_built_off_the_loop(context_threads)
