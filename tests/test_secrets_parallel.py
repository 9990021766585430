"""Parallel keyring reads (attacker finding: ``ItemNotFoundException`` in 2 of 400 parallel reads and
"failed to answer" in 3 of 40 ``workspace list`` runs): calls are serialised within the process and a
read that fails for a reason other than keyring's own errors is tried again."""

from __future__ import annotations

import asyncio
from typing import Any

from cio_desktop.models import SecretKind
from cio_desktop.secrets import SecretStore
from tests.fixtures.keyring import CountingSecretService

READS = 400


async def test_parallel_reads_are_serialised_and_all_succeed(workspace_id: str, secret_service: Any) -> None:
    store = SecretStore(timeout=30)
    await store.set(workspace_id, SecretKind.TRACK_API_KEY, "parallel-track")
    await store.set(workspace_id, SecretKind.APP_API_KEY, "parallel-app")
    counting = CountingSecretService()
    reader = SecretStore(timeout=60)
    reader._backend = counting  # the real backend class, wrapped to count overlap
    kinds = [SecretKind.TRACK_API_KEY, SecretKind.APP_API_KEY] * (READS // 2)
    values = await asyncio.gather(*(reader.get(workspace_id, kind) for kind in kinds))
    assert values == ["parallel-track", "parallel-app"] * (READS // 2)
    assert counting.most_at_once == 1
    presents = await asyncio.gather(*(reader.present(workspace_id) for _ in range(20)))
    assert all(p[SecretKind.TRACK_API_KEY] and p[SecretKind.APP_API_KEY] for p in presents)
    print(f"parallel keyring reads: {READS + 20 * len(SecretKind)}, failures 0, most at once 1")


async def test_a_transient_read_failure_is_retried(workspace_id: str, secret_service: Any) -> None:
    await SecretStore().set(workspace_id, SecretKind.TRACK_API_KEY, "retried")
    counting = CountingSecretService()
    counting.failures_left = 2
    reader = SecretStore(timeout=30)
    reader._backend = counting
    assert await reader.get(workspace_id, SecretKind.TRACK_API_KEY) == "retried"
    assert counting.failures_left == 0
