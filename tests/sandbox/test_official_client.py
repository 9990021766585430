"""Customer.io's official Python client (``customerio``), unchanged, against the sandbox over TLS.

The client only knows a host and port; it is pointed at the sandbox and told to trust the sandbox's CA
through its own ``requests`` session (``client.http.verify``), so certificate checks stay on.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from customerio import APIClient, CustomerIO, CustomerIOException, SendEmailRequest

from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.fixtures.sandbox import MakeSandbox
from tests.sandbox.helpers import Api


@pytest.fixture
def tls_sb(make_sandbox: MakeSandbox, monkeypatch: pytest.MonkeyPatch) -> ThreadedSandbox:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    return make_sandbox(tls=True, rate_limit=None, people=20)


@pytest.fixture
def cio(tls_sb: ThreadedSandbox) -> Iterator[CustomerIO]:
    info = tls_sb.info
    url = urlsplit(info.track_url)
    client = CustomerIO(info.site_id, info.track_api_key, host=url.hostname, port=url.port, retries=0)
    client.http.verify = info.ca_file
    with client:
        yield client


@pytest.fixture
def api(tls_sb: ThreadedSandbox) -> Iterator[Api]:
    client = Api(tls_sb)
    yield client
    client.close()


def test_identify_track_and_page_view(cio: CustomerIO, api: Api) -> None:
    cio.identify("official-1", email="official@example.com", plan="pro", created_at=1_700_000_000)
    cio.track("official-1", "purchased", data={"sku": "mug"}, id="01JOFFICIAL000000000000001")
    cio.track("official-1", "purchased", data={"sku": "mug"}, id="01JOFFICIAL000000000000001")
    cio.pageview("official-1", "https://shop.example.com/mug", referrer="ad")
    cio.backfill("official-1", "old_event", 1_600_000_000, note="from the past")
    customer = api.attributes("official-1").json()["customer"]
    assert customer["attributes"]["plan"] == "pro"
    assert customer["attributes"]["created_at"] == "1700000000"
    assert len(api.activities("official-1", name="purchased")) == 1
    page = api.activities("official-1", type="page")[0]
    assert (page["url"], page["data"]) == ("https://shop.example.com/mug", {"referrer": "ad"})
    assert api.activities("official-1", name="old_event")[0]["timestamp"] == 1_600_000_000


def test_anonymous_track_merges_on_identify(cio: CustomerIO, api: Api) -> None:
    cio.track_anonymous("anon-official", "browsed", data={"page": 1})
    cio.identify("official-2", anonymous_id="anon-official")
    assert api.activities("official-2", name="browsed")[0]["data"] == {"page": 1}
    cio.track_anonymous(None, "invite", data={"recipient": "friend@example.com"})
    invite = api.workspace_log(name="invite")[0]
    assert (invite["customer_id"], invite["data"]["recipient"]) == (None, "friend@example.com")


def test_devices_add_and_delete(cio: CustomerIO, api: Api) -> None:
    cid = WELL_KNOWN["customer_id"]
    cio.add_device(cid, "official-token", "android", last_used=1_700_000_000, app_version="9.9")
    device = {d["id"]: d for d in api.attributes(cid).json()["customer"]["devices"]}["official-token"]
    assert (device["platform"], device["attributes"]["app_version"]) == ("android", "9.9")
    cio.delete_device(cid, "official-token")
    assert "official-token" not in {d["id"] for d in api.attributes(cid).json()["customer"]["devices"]}


def test_suppress_unsuppress_merge_and_delete(cio: CustomerIO, api: Api) -> None:
    cio.suppress(WELL_KNOWN["unsubscribed_customer_id"])
    assert api.attributes(WELL_KNOWN["unsubscribed_customer_id"]).status_code == 404
    cio.unsuppress(WELL_KNOWN["unsubscribed_customer_id"])
    cio.merge_customers("id", WELL_KNOWN["shared_customer_id_1"], "email", WELL_KNOWN["email_only_email"])
    merged = api.attributes(WELL_KNOWN["shared_customer_id_1"]).json()["customer"]
    assert merged["attributes"]["first_name"] == "Sam"
    r = api.app("GET", "/v1/customers", params={"email": WELL_KNOWN["email_only_email"]})
    assert r.json() == {"results": []}
    cio.delete(WELL_KNOWN["customer_id"])
    assert api.attributes(WELL_KNOWN["customer_id"]).status_code == 404


def test_batch_v2(cio: CustomerIO, api: Api) -> None:
    cio.batch(
        [
            {
                "type": "person",
                "action": "identify",
                "identifiers": {"id": "batch-1"},
                "attributes": {"tier": "gold"},
            },
            {"type": "person", "action": "event", "identifiers": {"id": "batch-1"}, "name": "batched"},
        ]
    )
    assert api.attributes("batch-1").json()["customer"]["attributes"]["tier"] == "gold"
    assert api.activities("batch-1", name="batched")


def test_limit_errors_surface_as_customerio_exceptions(cio: CustomerIO, api: Api) -> None:
    with pytest.raises(CustomerIOException, match="400"):
        cio.track("official-3", "n" * 101)
    assert api.attributes("official-3").status_code == 404


def test_batch_partial_failure_is_a_207_the_official_client_accepts(cio: CustomerIO, api: Api) -> None:
    response = cio.batch([{"type": "person", "action": "event", "identifiers": {"id": "x"}}])
    assert response.status_code == 207
    assert response.json()["errors"][0]["batch_index"] == 0


def test_app_client_send_email(tls_sb: ThreadedSandbox, api: Api) -> None:
    info = tls_sb.info
    client = APIClient(info.app_api_key, url=info.app_url, retries=0)
    client.http.verify = info.ca_file
    with client:
        request = SendEmailRequest(
            transactional_message_id="welcome",
            to=WELL_KNOWN["email"],
            identifiers={"id": WELL_KNOWN["customer_id"]},
            message_data={"name": "Ada"},
            subject="Hello from the official client",
        )
        out = client.send_email(request)
    assert set(out) >= {"delivery_id", "queued_at"}
    newest = api.app("GET", f"/v1/customers/{WELL_KNOWN['customer_id']}/messages", params={"limit": 1}).json()
    assert newest["messages"][0]["id"] == out["delivery_id"]


def test_wrong_credentials_fail_in_the_official_client(tls_sb: ThreadedSandbox) -> None:
    info = tls_sb.info
    url = urlsplit(info.track_url)
    with CustomerIO(info.site_id, "wrong", host=url.hostname, port=url.port, retries=0) as client:
        client.http.verify = info.ca_file
        with pytest.raises(CustomerIOException, match="401"):
            client.identify("nobody", plan="x")


def test_without_the_ca_the_official_client_refuses_the_certificate(tls_sb: ThreadedSandbox) -> None:
    info = tls_sb.info
    url = urlsplit(info.track_url)
    client = CustomerIO(info.site_id, info.track_api_key, host=url.hostname, port=url.port, retries=0)
    with client, pytest.raises(CustomerIOException, match="SSL"):
        client.identify("nobody", plan="x")
