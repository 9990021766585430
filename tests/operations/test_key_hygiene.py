"""Key hygiene: each key's age kept as a date in the workspace file (never anything of the key), the badge
after the chosen number of days, and replacing a key: tested first, swapped in only when it works, the old
one kept until then; nothing of either key outside the keyring."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import keyring

from cio_desktop import paths
from cio_desktop.models import Region, SecretKind, Workspace
from cio_desktop.operations.key_check import KeyState
from cio_desktop.operations.key_hygiene import due_count, key_ages
from cio_desktop.operations.services import Services
from cio_desktop.operations.workspace_changes import today
from cio_desktop.sandbox.demo import second_key
from cio_desktop.secrets import SERVICE_NAME

TRACK, APP = SecretKind.TRACK_API_KEY, SecretKind.APP_API_KEY


async def _add(services: Services, sandbox: Any) -> Workspace:
    info = sandbox.info
    return await services.add_workspace(
        Workspace(name="Acme", site_id=info.site_id, region=Region.US),
        {TRACK: info.track_api_key, APP: info.app_api_key},
    )


def _everything_outside_the_keyring(services: Services, cio_home: Any) -> str:
    """Every file this app wrote (workspace file, settings, history) plus the history in memory."""
    texts = [p.read_text("utf-8", "replace") for p in cio_home.rglob("*") if p.is_file()]
    texts += [repr(e) for e in services.history.records()]
    return "\n".join(texts)


def test_ages_and_the_badge() -> None:
    now = date(2026, 12, 1)
    workspace = Workspace(
        name="A", key_dates={TRACK: (now - timedelta(days=91)).isoformat(), APP: now.isoformat()}
    )
    ages = key_ages(workspace, {TRACK: True, APP: True}, max_age_days=90, today=now)
    assert [(a.kind, a.age_days, a.due) for a in ages] == [(TRACK, 91, True), (APP, 0, False)]
    assert due_count(ages) == 1
    assert ages[0].age_text == "added or replaced 91 days ago (1 Sep 2026)"
    assert ages[1].age_text.startswith("added or replaced today")
    unknown = key_ages(Workspace(name="B"), {TRACK: True, APP: False}, today=now)
    assert unknown[0].age_days is None
    assert "age not known" in unknown[0].age_text
    assert unknown[1].age_text == "not stored"


async def test_adding_dates_the_keys_and_the_file_holds_dates_only(
    services: Services, sandbox: Any, cio_home: Any
) -> None:
    workspace = await _add(services, sandbox)
    assert workspace.key_dates == {TRACK: today(), APP: today()}
    stored = services.workspaces.get("Acme")
    assert stored.key_dates == {TRACK: today(), APP: today()}
    ages = await services.key_ages(workspace)
    assert [(a.kind, a.stored, a.age_days) for a in ages] == [
        (TRACK, True, 0),
        (APP, True, 0),
        (SecretKind.PIPELINES_KEY, False, None),  # not stored: no age
    ]
    text = (paths.config_dir() / "workspaces.json").read_text()
    assert '"key_dates"' in text
    assert sandbox.info.app_api_key not in text


async def test_a_change_of_other_fields_keeps_the_dates(services: Services, sandbox: Any) -> None:
    workspace = await _add(services, sandbox)
    old = {TRACK: "2026-01-01", APP: "2026-02-01"}
    forced = dataclasses.replace(services.workspaces.get("Acme"), key_dates=old)
    services.workspaces.update(forced)
    await services.load_workspaces()
    renamed = await services.rename_workspace(workspace, "Acme prod")
    edited = await services.update_workspace(renamed.replace(site_id=sandbox.info.site_id))
    assert services.workspaces.get("Acme prod").key_dates == old
    assert edited.key_dates == old
    copy = await services.duplicate_workspace(edited, "Acme copy")
    assert copy.key_dates == old  # the same keys: the same age


async def test_a_new_key_that_works_is_swapped_in_and_dated(
    services: Services, sandbox: Any, cio_home: Any
) -> None:
    workspace = await _add(services, sandbox)
    forced = dataclasses.replace(
        services.workspaces.get("Acme"), key_dates={TRACK: "2026-01-01", APP: "2025-01-01"}
    )
    services.workspaces.update(forced)
    await services.load_workspaces()
    old_id = services.workspaces.get("Acme").secrets_id
    new_key = second_key(sandbox.info.app_api_key)  # the sandbox accepts a workspace's second key

    outcome = await services.replace_key(workspace, APP, new_key)

    assert outcome.replaced, outcome.message
    assert "now the one in use" in outcome.message
    saved = services.workspaces.get("Acme")
    assert saved.key_dates == {TRACK: "2026-01-01", APP: today()}  # only the replaced key is younger
    assert saved.secrets_id != old_id  # a complete new set, then the file pointed at it
    assert keyring.get_password(SERVICE_NAME, f"{saved.secrets_id}/app_api_key") == new_key
    assert keyring.get_password(SERVICE_NAME, f"{old_id}/app_api_key") is None  # old set deleted after
    assert (await services.load_secrets(saved))[APP] == new_key
    outside = _everything_outside_the_keyring(services, cio_home)
    assert new_key not in outside
    assert sandbox.info.app_api_key not in outside


async def test_a_rejected_new_key_changes_nothing(services: Services, sandbox: Any, cio_home: Any) -> None:
    workspace = await _add(services, sandbox)
    before = services.workspaces.get("Acme")

    outcome = await services.replace_key(workspace, APP, "sbx_app_pasted-the-wrong-key")

    assert not outcome.replaced
    assert outcome.check.state is KeyState.REJECTED
    assert "old key is still in use" in outcome.message
    after = services.workspaces.get("Acme")
    assert (after.secrets_id, after.key_dates) == (before.secrets_id, before.key_dates)
    assert keyring.get_password(SERVICE_NAME, f"{after.secrets_id}/app_api_key") == sandbox.info.app_api_key
    assert "pasted-the-wrong-key" not in _everything_outside_the_keyring(services, cio_home)
    assert "pasted-the-wrong-key" not in outcome.message + outcome.check.message + outcome.check.detail


async def test_the_practice_workspace_has_an_old_key_to_replace(services: Services) -> None:
    workspace = await services.ensure_demo()
    ages = await services.key_ages(workspace)
    assert [a.due for a in ages][:2] == [False, True]  # its App key pretends to be 120 days old
    second = services.practice_second_key(APP)
    assert second is not None
    outcome = await services.replace_key(workspace, APP, second)
    assert outcome.replaced, outcome.message
    assert due_count(await services.key_ages(workspace)) == 0
    assert (await services.load_secrets(workspace))[APP] == second
    client = await services.client_for(workspace)
    assert (await client.app.workspaces()) is not None  # the new key is the one in use, and works
