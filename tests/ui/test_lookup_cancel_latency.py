"""Latest wins under a slow server: a replaced lookup stops at once, the new one shows its result.

Regression for "cancelling a lookup once took ~9 s: the task stayed stuck inside httpcore/anyio after the
cancel". The first search waits on a 5 s server delay; the second one (the delay cleared) must show its
person while the first has already stopped, over plain HTTP and over TLS.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest

from cio_desktop.sandbox.demo import WELL_KNOWN
from cio_desktop.ui.panels.lookup_panel import PAGE_PROFILE, LookupPanel
from tests.ui.conftest import QtAsyncLoop
from tests.ui.test_lookup_panel import connect_services

PROMPT_S = 1.0  # the first search must be over within this after the second starts


def _request_in_flight(services: Any) -> bool:
    """True once a request of any cached client is on an established connection (handshake done)."""
    for _key, client in list(services.clients._clients.values()):
        http = getattr(client, "_http", None)
        transports = [getattr(http, "_transport", None), *getattr(http, "_mounts", {}).values()]
        pools = [getattr(t, "_pool", None) for t in transports]  # plain http goes by its own mount
        for connection in [c for pool in pools for c in getattr(pool, "connections", [])]:
            inner = getattr(connection, "_connection", None)  # None while connecting / TLS handshake
            if inner is not None and not inner.is_idle() and not inner.is_closed():
                return True
    return False


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_a_second_search_replaces_a_slow_one_promptly(
    qtbot: Any, qloop: QtAsyncLoop, make_sandbox: Any, tls: bool
) -> None:
    slow = make_sandbox(faults=("latency=5",), tls=tls)
    services, workspace = qloop.run(connect_services(slow))
    if tls:
        workspace = dataclasses.replace(workspace, ca_file=slow.info.ca_file)
    panel = LookupPanel(services)
    qtbot.addWidget(panel)
    panel.set_workspace(workspace)
    try:
        panel.query_edit.setText(WELL_KNOWN["customer_id"])
        first = panel.start_search()
        assert first is not None
        qloop.wait_until(lambda: _request_in_flight(services), timeout=5)
        slow.set_faults([])  # the second search gets a fast answer
        panel.query_edit.setText(WELL_KNOWN["email"])
        started = time.monotonic()
        second = panel.start_search()
        assert second is not None
        qloop.wait_until(first.done, timeout=8)
        first_stopped_after = time.monotonic() - started
        qloop.run(second, timeout=10)
        assert first_stopped_after < PROMPT_S, f"the replaced search ran on for {first_stopped_after:.1f} s"
        assert first.cancelled() or first.exception() is None
        assert panel.stack.currentIndex() == PAGE_PROFILE
        assert panel.banner.isHidden()  # replacing a search is not reported as an error or "Cancelled"
        assert not panel.busy.is_busy
    finally:
        panel.cancel()
        qloop.run(services.aclose())
