"""Region faces, persistence across restarts, the seeded demo data and start-up time."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from cio_desktop.sandbox import SandboxOptions, run_in_thread
from cio_desktop.sandbox.demo import WELL_KNOWN, build_workspace
from cio_desktop.sandbox.state import STATE_FILE
from tests.fixtures.sandbox import MakeSandbox
from tests.sandbox.helpers import Api

ADA = WELL_KNOWN["customer_id"]


def test_other_region_redirects_by_default(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(people=5)
    info = sb.info
    assert (info.region, info.other_region) == ("us", "eu")
    assert info.track_url_other != info.track_url
    api = Api(sb)
    r = api.client.get(f"{info.app_url_other}/v1/customers/{ADA}/attributes?id_type=id", headers=api.bearer)
    assert r.status_code == 307
    assert r.headers["location"] == f"{info.app_url}/v1/customers/{ADA}/attributes?id_type=id"
    r = api.client.put(f"{info.track_url_other}/api/v1/customers/x", json={}, auth=api.auth)
    assert r.status_code == 307
    api.close()


def test_other_region_answers_401_when_switched(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(region="eu", wrong_region="401", people=5)
    info = sb.info
    assert info.other_region == "us"
    api = Api(sb)
    r = api.client.get(f"{info.app_url_other}/v1/workspaces", headers=api.bearer)
    assert (r.status_code, r.json()) == (401, {"errors": [{"detail": "unauthorized", "status": "401"}]})
    r = api.client.put(f"{info.track_url_other}/api/v1/customers/x", json={}, auth=api.auth)
    assert (r.status_code, r.json()) == (401, {"meta": {"error": "Unauthorized request"}})
    assert api.app("GET", "/v1/workspaces").status_code == 200
    api.close()


def test_region_lookup_works_on_both_faces_and_names_the_right_one(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(region="eu", wrong_region="401", people=5)
    api = Api(sb)
    expected = {"url": sb.info.track_url, "region": "eu", "environment_id": sb.info.workspace_id}
    for base in (sb.info.track_url, sb.info.track_url_other):
        r = api.client.get(f"{base}/api/v1/accounts/region", auth=api.auth)
        assert r.json() == expected
    assert (
        api.client.get(f"{sb.info.track_url_other}/api/v1/accounts/region", auth=("a", "b")).status_code
        == 401
    )
    api.close()


def test_state_dir_survives_a_restart_with_same_keys(tmp_path: Path) -> None:
    opts = SandboxOptions(state_dir=str(tmp_path), people=20, rate_limit=None)
    with run_in_thread(opts) as sb:
        first = sb.info
        api = Api(sb)
        api.track("PUT", "/api/v1/customers/persisted", {"plan": "kept"})
        api.track("POST", "/api/v1/customers/persisted/events", {"name": "remember me", "id": "01HPERSIST"})
        api.track("DELETE", f"/api/v1/customers/{ADA}")
        api.close()
    assert (tmp_path / STATE_FILE).exists()
    with run_in_thread(opts) as sb:
        assert (sb.info.site_id, sb.info.app_api_key) == (first.site_id, first.app_api_key)
        api = Api(sb)
        assert api.attributes("persisted").json()["customer"]["attributes"]["plan"] == "kept"
        assert api.activities("persisted", name="remember me")
        api.track("POST", "/api/v1/customers/persisted/events", {"name": "remember me", "id": "01HPERSIST"})
        assert len(api.activities("persisted", name="remember me")) == 1
        assert api.attributes(ADA).status_code == 404
        api.close()


def test_corrupt_state_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_text('{"version": 99}')
    with (
        pytest.raises(ValueError, match="unsupported sandbox state version"),
        run_in_thread(state_dir=str(tmp_path)),
    ):
        pass


KEYS = ("site_id", "track_api_key", "app_api_key", "pipelines_write_key")


def test_demo_data_is_deterministic_per_seed() -> None:
    a = build_workspace(seed=5, people=80, clock=1_800_000_000, key_seed=5).to_json()
    b = build_workspace(seed=5, people=80, clock=1_800_000_000, key_seed=5).to_json()
    c = build_workspace(seed=6, people=80, clock=1_800_000_000, key_seed=6).to_json()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert a["people"] != c["people"]
    assert a["site_id"] != c["site_id"]


def test_keys_are_random_unless_a_key_seed_is_asked_for() -> None:
    """Attacker finding: --seed fixed the keys, so every machine's sandbox had the same ones."""
    a = build_workspace(seed=1, people=0, clock=1_800_000_000).to_json()
    b = build_workspace(seed=1, people=0, clock=1_800_000_000).to_json()
    assert all(a[k] != b[k] for k in KEYS)
    assert {k: v for k, v in a.items() if k not in KEYS} == {k: v for k, v in b.items() if k not in KEYS}


def test_demo_data_is_realistic_and_has_the_well_known_people() -> None:
    ws = build_workspace(seed=1)
    assert len(ws.people) == 305
    ada = ws.by_id(ADA)
    assert ada is not None
    assert (ada.email, ada.cio_id) == (WELL_KNOWN["email"], WELL_KNOWN["cio_id"])
    assert len(ws.by_email(WELL_KNOWN["shared_email"])) == 2
    assert ws.by_email(WELL_KNOWN["missing_email"]) == []
    assert ws.by_email(WELL_KNOWN["email_only_email"])[0].id is None
    with_devices = sum(1 for p in ws.people.values() if p.devices)
    with_messages = len({m["_cio"] for m in ws.messages})
    assert 60 < with_devices < 200
    assert with_messages > 150
    assert all("@example." in (p.email or "@example.") for p in ws.people.values())
    assert {s["type"] for s in ws.segments.values()} == {"dynamic", "manual"}


def test_start_up_is_under_a_second() -> None:
    started = time.monotonic()
    with run_in_thread() as sb:
        elapsed = time.monotonic() - started
        assert sb.info.track_url.startswith("http://127.0.0.1:")
    assert elapsed < 1.0
