"""The sandbox's Pipelines face (``/cdp/v1/...``): auth, strict and non-strict mode, size limits, gzip,
and arrival as people and activities in the App API."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator

import httpx
import pytest

from cio_desktop.sandbox import ThreadedSandbox
from tests.fixtures.sandbox import MakeSandbox
from tests.sandbox.helpers import Api, Cdp


@pytest.fixture
def cdp(sb: ThreadedSandbox) -> Iterator[Cdp]:
    client = Cdp(sb)
    yield client
    client.close()


def test_json_line_names_the_pipelines_face(sb: ThreadedSandbox) -> None:
    info = sb.info
    assert info.pipelines_url == info.track_url + "/cdp"
    assert info.pipelines_write_key.startswith("sbxcdp")
    assert "pipelines_write_key" not in repr(info)
    assert set(info.to_json_dict()) >= {"pipelines_url", "pipelines_write_key"}


def test_identify_and_track_arrive_in_the_app_api(cdp: Cdp, api: Api) -> None:
    r = cdp.post("identify", {"userId": "cdp-1", "traits": {"email": "cdp1@example.com", "plan": "pro"}})
    assert (r.status_code, r.json()) == (200, {})
    r = cdp.post(
        "track",
        {
            "userId": "cdp-1",
            "event": "Course Started",
            "properties": {"title": "Intro"},
            "messageId": "m-1",
            "timestamp": "2026-11-30T10:00:00.000Z",
        },
    )
    assert r.status_code == 200
    customer = api.attributes("cdp-1").json()["customer"]
    assert customer["attributes"]["plan"] == "pro"
    assert customer["identifiers"]["email"] == "cdp1@example.com"
    [event] = api.activities("cdp-1", type="event")
    assert (event["name"], event["data"], event["timestamp"]) == (
        "Course Started",
        {"title": "Intro"},
        1796032800,
    )


def test_page_screen_group_and_alias(cdp: Cdp, api: Api, sb: ThreadedSandbox) -> None:
    assert (
        cdp.post(
            "page", {"anonymousId": "anon-7", "name": "Home", "properties": {"url": "https://example.com/"}}
        ).status_code
        == 200
    )
    assert cdp.post("alias", {"userId": "cdp-7", "previousId": "anon-7"}).status_code == 200
    [page] = api.activities("cdp-7", type="page")
    assert page["url"] == "https://example.com/"
    assert cdp.post("screen", {"userId": "cdp-7", "name": "Settings"}).status_code == 200
    assert api.activities("cdp-7", type="screen")[0]["name"] == "Settings"
    r = cdp.post("group", {"userId": "cdp-7", "groupId": "acme", "traits": {"name": "Acme"}})
    assert r.status_code == 200
    assert sb.inspect(lambda ws: ws.objects["1:acme"]["attributes"]) == {"name": "Acme"}
    assert api.activities("cdp-7", type="add_relationship")[0]["data"]["object_id"] == "acme"


def test_batch_applies_shared_context_and_each_call(cdp: Cdp, api: Api) -> None:
    body = {
        "batch": [
            {"type": "identify", "userId": "cdp-b", "traits": {"plan": "basic"}},
            {"type": "track", "userId": "cdp-b", "event": "Signed Up"},
        ],
        "context": {"ip": "127.0.0.1"},
    }
    assert cdp.post("batch", body).status_code == 200
    assert api.attributes("cdp-b").json()["customer"]["attributes"]["plan"] == "basic"
    assert [a["name"] for a in api.activities("cdp-b", type="event")] == ["Signed Up"]


def test_message_id_is_deduplicated(cdp: Cdp, api: Api) -> None:
    call = {"userId": "cdp-d", "event": "Once", "messageId": "same-id"}
    assert cdp.post("track", call).status_code == 200
    assert cdp.post("track", call).status_code == 200
    assert len(api.activities("cdp-d", name="Once")) == 1


def test_region_key_as_bearer(cdp: Cdp, api: Api) -> None:
    key = cdp.info.pipelines_write_key
    ok = cdp.post("identify", {"userId": "cdp-k"}, headers={"Authorization": f"Bearer sk_us_{key}"})
    assert ok.status_code == 200
    assert api.attributes("cdp-k").status_code == 200
    other = cdp.post("identify", {"userId": "cdp-k2"}, headers={"Authorization": f"Bearer pk_eu_{key}"})
    assert other.status_code == 401
    assert set(other.json()) == {"code", "message"}


def test_wrong_key_401_in_strict_mode_dropped_otherwise(cdp: Cdp, api: Api) -> None:
    r = cdp.post("identify", {"userId": "cdp-w"}, key="not-the-key")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"
    r = cdp.post("identify", {"userId": "cdp-w"}, key="not-the-key", strict=False)
    assert (r.status_code, r.json()) == (200, {})
    assert api.attributes("cdp-w").status_code == 404
    # a classic key with a password is not the write key
    assert (
        cdp.post("identify", {"userId": "cdp-w"}, key=f"{cdp.info.pipelines_write_key}:x").status_code == 401
    )


@pytest.mark.parametrize(
    ("call", "body"),
    [
        ("track", {"userId": "cdp-x"}),
        ("identify", {"traits": {"plan": "x"}}),
        ("alias", {"userId": "cdp-x"}),
        ("group", {"userId": "cdp-x"}),
        ("page", {"userId": 5}),
        ("track", {"userId": "cdp-x", "event": "e", "timestamp": "yesterday"}),
        ("batch", {"batch": [{"type": "track", "userId": "cdp-x"}]}),
        ("batch", {"batch": [{"type": "nonsense"}]}),
        ("track", [1, 2]),
    ],
)
def test_bad_input_400_in_strict_mode_200_otherwise(cdp: Cdp, api: Api, call: str, body: object) -> None:
    r = cdp.post(call, body)
    assert r.status_code == 400, r.text
    assert set(r.json()) == {"code", "message"}
    r = cdp.post(call, body, strict=False)
    assert (r.status_code, r.json()) == (200, {})
    assert api.attributes("cdp-x").status_code == 404


def test_broken_json_and_empty_body(cdp: Cdp) -> None:
    headers = {**dict(cdp.client.headers), "Content-Type": "application/json"}
    r = cdp.post("identify", content=b"{not json", headers=headers)
    assert r.status_code == 400
    assert cdp.post("identify", content=b"", headers=headers).status_code == 400
    assert cdp.post("identify", content=b"{not json", strict=False, headers=headers).status_code == 200


def test_size_limits(cdp: Cdp, api: Api) -> None:
    big = {"userId": "cdp-s", "event": "big", "properties": {"blob": "x" * (33 * 1024)}}
    r = cdp.post("track", big)
    assert r.status_code == 400
    assert "32768-byte limit" in r.json()["message"]
    assert cdp.post("track", big, strict=False).status_code == 200
    calls = [{"type": "track", "userId": "cdp-s", "event": "e", "properties": {"b": "y" * 30_000}}] * 18
    r = cdp.post("batch", {"batch": calls})
    assert r.status_code == 400
    assert "larger than 512000 bytes" in r.json()["message"]
    assert api.attributes("cdp-s").status_code == 404


def test_gzip_body(cdp: Cdp, api: Api) -> None:
    raw = gzip.compress(json.dumps({"userId": "cdp-g", "traits": {"plan": "zip"}}).encode())
    r = cdp.post(
        "identify", content=raw, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
    )
    assert r.status_code == 200, r.text
    assert api.attributes("cdp-g").json()["customer"]["attributes"]["plan"] == "zip"
    bad = cdp.post("identify", content=b"\x1f\x8bnot gzip", headers={"Content-Encoding": "gzip"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"code", "message"}


def test_unknown_call_and_method(cdp: Cdp) -> None:
    r = cdp.post("nope", {})
    assert r.status_code == 404
    assert set(r.json()) == {"code", "message"}
    r = cdp.client.get(
        f"{cdp.info.pipelines_url}/v1/identify",
        headers={"X-Strict-Mode": "1", "Authorization": cdp_auth(cdp)},
    )
    assert r.status_code == 405


def cdp_auth(cdp: Cdp) -> str:
    from tests.sandbox.helpers import cdp_basic

    return cdp_basic(cdp.info.pipelines_write_key)["Authorization"]


def test_other_region_face_redirects(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(rate_limit=None, people=5)
    info = sb.info
    with httpx.Client(timeout=10) as client:
        r = client.post(f"{info.track_url_other}/cdp/v1/identify", json={"userId": "x"})
    assert r.status_code == 307
    assert r.headers["Location"] == f"{info.pipelines_url}/v1/identify"
