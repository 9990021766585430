"""Smoke test of the sandbox fixtures: Track identify + event, then the App API shows them."""

from __future__ import annotations

import ssl

import httpx

from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN


def test_identify_and_event_show_up_in_app_api(sandbox: ThreadedSandbox) -> None:
    info = sandbox.info
    auth = (info.site_id, info.track_api_key)
    app = {"Authorization": f"Bearer {info.app_api_key}"}
    with httpx.Client(timeout=10) as client:
        r = client.put(
            f"{info.track_url}/api/v1/customers/smoke-1", auth=auth, json={"email": "s@example.com"}
        )
        assert (r.status_code, r.json()) == (200, {})
        assert r.headers["content-type"] == "application/json; charset=utf-8"
        r = client.post(
            f"{info.track_url}/api/v1/customers/smoke-1/events", auth=auth, json={"name": "smoke"}
        )
        assert r.status_code == 200
        r = client.get(f"{info.app_url}/v1/customers/smoke-1/activities", headers=app)
        assert next(a["name"] for a in r.json()["activities"]) == "smoke"
        r = client.get(f"{info.app_url}/v1/customers", params={"email": WELL_KNOWN["email"]}, headers=app)
        assert r.json()["results"][0]["id"] == WELL_KNOWN["customer_id"]


def test_tls_sandbox_is_trusted_with_its_ca(sandbox_tls: ThreadedSandbox) -> None:
    info = sandbox_tls.info
    assert info.track_url.startswith("https://")
    assert info.ca_file
    with httpx.Client(verify=ssl.create_default_context(cafile=info.ca_file), timeout=10) as client:
        r = client.get(f"{info.track_url}/api/v1/accounts/region", auth=(info.site_id, info.track_api_key))
    assert r.json() == {"url": info.track_url, "region": "us", "environment_id": info.workspace_id}


def test_info_repr_hides_the_keys_but_json_carries_them(sandbox: ThreadedSandbox) -> None:
    info = sandbox.info
    assert info.track_api_key not in repr(info)
    assert info.app_api_key not in repr(info)
    data = info.to_json_dict()
    assert (data["track_api_key"], data["app_api_key"]) == (info.track_api_key, info.app_api_key)
    assert type(info).from_json_dict({**data, "future_field": 1}) == info


def test_importing_the_sandbox_api_stays_light() -> None:
    """The GUI imports these at start-up paths; the server libraries load only when a sandbox starts."""
    import subprocess
    import sys

    code = (
        "import sys, json\n"
        "import cio_desktop.sandbox, cio_desktop.sandbox.process, cio_desktop.sandbox.demo\n"
        "heavy = ('aiohttp', 'trustme', 'httpx')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
