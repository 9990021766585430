"""App API against a real sandbox socket: lookups, attributes, paging to the end, sends, errors, limits."""

from __future__ import annotations

import base64

import pytest

from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from cio_desktop.sandbox.limits import RateLimiter
from tests.sandbox.helpers import Api

ADA = WELL_KNOWN["customer_id"]


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic Zm9vOmJhcg=="])
def test_app_rejects_bad_keys_with_errors_body(api: Api, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    r = api.client.get(f"{api.info.app_url}/v1/customers/{ADA}/attributes", headers=headers)
    assert r.status_code == 401
    assert r.json() == {"errors": [{"detail": "unauthorized", "status": "401"}]}


def test_track_key_does_not_open_the_app_api(api: Api) -> None:
    r = api.app("GET", "/v1/workspaces", headers={"Authorization": f"Bearer {api.info.track_api_key}"})
    assert r.status_code == 401


def test_find_by_email_matches_case_insensitively_and_lists_shared(api: Api) -> None:
    r = api.app("GET", "/v1/customers", params={"email": WELL_KNOWN["email"].upper()})
    assert r.json() == {
        "results": [{"email": WELL_KNOWN["email"], "id": ADA, "cio_id": WELL_KNOWN["cio_id"]}]
    }
    shared = api.app("GET", "/v1/customers", params={"email": WELL_KNOWN["shared_email"]}).json()["results"]
    assert sorted(p["id"] for p in shared) == [
        WELL_KNOWN["shared_customer_id_1"],
        WELL_KNOWN["shared_customer_id_2"],
    ]
    r = api.app("GET", "/v1/customers", params={"email": WELL_KNOWN["missing_email"]})
    assert (r.status_code, r.json()) == (200, {"results": []})


def test_unencoded_plus_in_email_quietly_finds_nothing(api: Api) -> None:
    api.track("PUT", "/api/v1/customers/plus", {"email": "a+b@example.com"})
    r = api.client.get(f"{api.info.app_url}/v1/customers?email=a+b@example.com", headers=api.bearer)
    assert r.json() == {"results": []}
    r = api.app("GET", "/v1/customers", params={"email": "a+b@example.com"})
    assert r.json()["results"][0]["id"] == "plus"


def test_attributes_shape_values_are_strings(api: Api) -> None:
    customer = api.attributes(ADA).json()["customer"]
    assert set(customer) == {"id", "identifiers", "attributes", "timestamps", "unsubscribed", "devices"}
    assert customer["identifiers"] == {
        "email": WELL_KNOWN["email"],
        "id": ADA,
        "cio_id": WELL_KNOWN["cio_id"],
    }
    assert all(isinstance(v, str) for v in customer["attributes"].values())
    assert customer["attributes"]["lifetime_value"] == "4200.5"
    assert customer["attributes"]["vip"] == "true"
    assert customer["timestamps"]["_cio_subscription_preferences_computed"] == 0
    assert "phone" not in customer["identifiers"]
    assert customer["devices"][0]["id"] == WELL_KNOWN["device_id"]
    assert customer["unsubscribed"] is False
    alan = api.attributes(WELL_KNOWN["unsubscribed_customer_id"]).json()["customer"]
    assert alan["unsubscribed"] is True


@pytest.mark.parametrize(
    ("value", "id_type"),
    [
        (WELL_KNOWN["email"], "email"),
        (WELL_KNOWN["cio_id"], "cio_id"),
        ("cio_" + WELL_KNOWN["cio_id"], "cio_id"),
    ],
)
def test_attributes_by_other_id_types(api: Api, value: str, id_type: str) -> None:
    assert api.attributes(value, id_type).json()["customer"]["id"] == ADA


def test_phone_id_type_and_unknown_id_type_are_400(api: Api) -> None:
    assert api.attributes("+447700900001", "phone").status_code == 400
    assert api.attributes(ADA, "nickname").status_code == 400


@pytest.mark.parametrize(
    "suffix",
    ["attributes", "segments", "messages", "activities", "subscription_preferences", "relationships"],
)
def test_missing_customer_is_404_with_errors_body(api: Api, suffix: str) -> None:
    r = api.app("GET", f"/v1/customers/{WELL_KNOWN['missing_customer_id']}/{suffix}")
    assert r.status_code == 404
    assert r.json() == {"errors": [{"detail": "customer not found", "status": "404"}]}


def test_bulk_attributes_leave_out_unknown_ids(api: Api) -> None:
    r = api.app(
        "POST", "/v1/customers/attributes", {"ids": [ADA, "nobody-here", WELL_KNOWN["shared_customer_id_1"]]}
    )
    assert [c["customer"]["id"] for c in r.json()["customers"]] == [ADA, WELL_KNOWN["shared_customer_id_1"]]
    assert api.app("POST", "/v1/customers/attributes", {"ids": list(range(101))}).status_code == 400


def test_relationships_are_empty_but_well_formed(api: Api) -> None:
    r = api.app("GET", f"/v1/customers/{ADA}/relationships")
    assert r.json() == {"cio_relationships": [], "next": ""}


def test_person_segments(api: Api) -> None:
    segments = api.app("GET", f"/v1/customers/{ADA}/segments").json()["segments"]
    assert {s["name"] for s in segments} >= {"All people", "Beta testers", "VIP"}
    assert set(segments[0]) == {"id", "name", "description"}


def _all_pages(api: Api, path: str, key: str, **params: object) -> tuple[list[dict[str, object]], int]:
    items: list[dict[str, object]] = []
    start, pages = "", 0
    while True:
        r = api.app("GET", path, params={**params, **({"start": start} if start else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        items += body[key]
        pages += 1
        start = body["next"]
        if not start:
            return items, pages


def test_messages_page_to_the_end_with_default_limit_50(api: Api) -> None:
    items, pages = _all_pages(api, f"/v1/customers/{ADA}/messages", "messages")
    assert len(items) == 120
    assert pages == 3
    assert len({m["id"] for m in items}) == 120
    created = [m["created"] for m in items]
    assert created == sorted(created, reverse=True)
    assert {"id", "recipient", "subject", "metrics", "created", "type", "forgotten"} <= set(items[0])
    assert not any(k.startswith("_") for k in items[0])


def test_messages_limit_is_clamped_and_time_window_filters(api: Api) -> None:
    body = api.app("GET", f"/v1/customers/{ADA}/messages", params={"limit": 5000}).json()
    assert len(body["messages"]) == 120
    assert body["next"] == ""
    newest = body["messages"][0]["created"]
    r = api.app("GET", f"/v1/customers/{ADA}/messages", params={"start_ts": newest, "end_ts": newest + 1})
    assert [m["created"] for m in r.json()["messages"]] == [newest]


def test_activities_page_to_the_end_with_default_limit_10(api: Api) -> None:
    items, pages = _all_pages(api, f"/v1/customers/{ADA}/activities", "activities")
    assert len(items) == len({a["id"] for a in items})
    assert pages == -(-len(items) // 10)
    assert len(items) > 60
    api.track("POST", f"/api/v1/customers/{ADA}/events", {"name": "late"})
    items_after, _ = _all_pages(api, f"/v1/customers/{ADA}/activities", "activities", limit=100)
    assert len(items_after) == len(items) + 1


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_activities_limit_outside_documented_range_is_400(api: Api, limit: str) -> None:
    r = api.app("GET", f"/v1/customers/{ADA}/activities", params={"limit": limit})
    assert r.status_code == 400


def test_bad_cursor_is_400(api: Api) -> None:
    assert api.app("GET", f"/v1/customers/{ADA}/activities", params={"start": "%%%"}).status_code == 400


def test_activity_shape_and_filters(api: Api) -> None:
    events = api.activities(ADA, type="event")
    assert events
    assert all(a["type"] == "event" for a in events)
    assert {
        "id",
        "type",
        "timestamp",
        "customer_id",
        "customer_identifiers",
        "name",
        "data",
    } <= set(events[0])
    # issue 11: fields that do not apply are absent, never null (an event has no delivery)
    assert not {"delivery_id", "delivery_type"} & set(events[0])
    assert all(None not in (a.get("name", ""), a.get("delivery_id", "")) for a in api.activities(ADA))
    assert len(events[0]["id"]) == 26
    purchases = api.activities(ADA, name="purchase")
    assert all(a["name"] == "purchase" for a in purchases)


def test_subscription_preferences(api: Api) -> None:
    customer = api.app(
        "GET", f"/v1/customers/{WELL_KNOWN['unsubscribed_customer_id']}/subscription_preferences"
    ).json()["customer"]
    assert customer["unsubscribed"] is True
    topics = {t["name"]: t["subscribed"] for t in customer["topics"]}
    assert topics == {"Newsletter": False, "Product updates": False, "Offers": False}
    assert set(customer["header"]) == {"title", "subtitle"}


def test_workspace_activity_log_requires_cio_prefix_for_cio_id(api: Api) -> None:
    r = api.app("GET", "/v1/activities", params={"customer_id": WELL_KNOWN["cio_id"], "id_type": "cio_id"})
    assert r.status_code == 400
    log = api.workspace_log(customer_id="cio_" + WELL_KNOWN["cio_id"], id_type="cio_id")
    assert log
    assert all(a["customer_identifiers"]["id"] == ADA for a in log)


def test_segments_list_detail_count_and_membership_paging(api: Api) -> None:
    segments = api.app("GET", "/v1/segments").json()["segments"]
    assert len(segments) == 8
    assert {
        "id",
        "deduplicate_id",
        "name",
        "description",
        "state",
        "progress",
        "type",
        "tags",
        "created_at",
        "updated_at",
    } <= set(segments[0])
    assert api.app("GET", "/v1/segments/1").json()["segment"]["name"] == "All people"
    assert api.app("GET", "/v1/segments/99").status_code == 404
    count = api.app("GET", "/v1/segments/1/customer_count").json()["count"]
    members, pages = _all_pages(api, "/v1/segments/1/membership", "identifiers", limit=25)
    assert len(members) == count
    assert pages == -(-count // 25)


def test_search_by_filter(api: Api) -> None:
    body = {
        "filter": {
            "and": [
                {"segment": {"id": 3}},
                {"attribute": {"field": "first_name", "operator": "eq", "value": "Ada"}},
            ]
        }
    }
    r = api.app("POST", "/v1/customers", body)
    assert r.json()["ids"] == [ADA]
    assert r.json()["next"] == ""
    assert api.app("POST", "/v1/customers", {"nope": 1}).status_code == 400


def test_workspaces_and_exports_quirk(api: Api) -> None:
    (ws,) = api.app("GET", "/v1/workspaces").json()["workspaces"]
    assert ws["id"] == api.info.workspace_id
    assert ws["people"] > 60
    assert api.app("GET", "/v1/exports").json() == {"exports": None}


def test_unknown_app_path_is_404_with_errors_body(api: Api) -> None:
    r = api.app("GET", "/v1/no-such-thing")
    assert r.status_code == 404
    assert r.json() == {"errors": [{"detail": "not found", "status": "404"}]}


def test_send_email_returns_delivery_id_and_shows_in_messages(api: Api) -> None:
    body = {
        "transactional_message_id": 3,
        "to": WELL_KNOWN["email"],
        "identifiers": {"id": ADA},
        "message_data": {"code": "123"},
        "subject": "Your code",
    }
    r = api.app("POST", "/v1/send/email", body)
    assert r.status_code == 200
    out = r.json()
    assert set(out) == {"delivery_id", "queued_at"}
    assert isinstance(out["queued_at"], int)
    newest = api.app("GET", f"/v1/customers/{ADA}/messages", params={"limit": 1}).json()["messages"][0]
    assert (newest["id"], newest["subject"]) == (out["delivery_id"], "Your code")
    assert api.activities(ADA, type="sent_email")[0]["delivery_id"] == out["delivery_id"]


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"to": "a@example.com"}, 400, "identifiers"),
        ({"to": "a@example.com", "identifiers": {"id": "a", "email": "b"}}, 400, "identifiers"),
        ({"identifiers": {"id": ADA}}, 400, "to is required"),
        (
            {"identifiers": {"id": ADA}, "to": ",".join(f"p{i}@example.com" for i in range(16))},
            400,
            "recipients",
        ),
        (
            {"identifiers": {"id": ADA}, "to": "a@example.com", "attachments": {"a.txt": "not base64!"}},
            400,
            "base64",
        ),
        (
            {
                "identifiers": {"id": ADA},
                "to": "a@example.com",
                "attachments": {"a.bin": base64.b64encode(b"x" * (2 * 1024 * 1024 + 1)).decode()},
            },
            413,
            "exceeds",
        ),
    ],
)
def test_send_email_errors_use_meta_error(
    api: Api, body: dict[str, object], status: int, fragment: str
) -> None:
    r = api.app("POST", "/v1/send/email", body)
    assert r.status_code == status
    assert fragment in r.json()["meta"]["error"]


def test_send_push_and_scheduled_send(api: Api) -> None:
    r = api.app(
        "POST",
        "/v1/send/push",
        {"transactional_message_id": "welcome", "identifiers": {"email": WELL_KNOWN["email"]}},
    )
    assert "delivery_id" in r.json()
    r = api.app(
        "POST",
        "/v1/send/email",
        {"identifiers": {"id": ADA}, "to": WELL_KNOWN["email"], "send_at": 4_000_000_000},
    )
    assert r.json()["send_at"] == 4_000_000_000


def test_broadcast_trigger_allows_one_per_10s(api: Api) -> None:
    r = api.app("POST", "/v1/campaigns/7/triggers", {"data": {"x": 1}, "ids": [ADA]})
    assert r.status_code == 200
    assert "id" in r.json()
    r = api.app("POST", "/v1/campaigns/7/triggers", {"data": {}})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert api.app("POST", "/v1/campaigns/8/triggers", {"recipients": {}}).status_code == 422


def test_rate_limit_429_after_10_requests_per_second(sandbox: ThreadedSandbox) -> None:
    api = Api(sandbox)
    answers = []
    try:
        for _ in range(60):  # stops at the first 429; 60 allows for a very slow machine
            answers.append(api.app("GET", "/v1/workspaces"))
            if answers[-1].status_code == 429:
                break
    finally:
        api.close()
    codes = [r.status_code for r in answers]
    assert codes[:10] == [200] * 10
    assert codes[-1] == 429, codes
    limited = answers[-1]
    assert limited.headers["Retry-After"] == "1"
    (error,) = limited.json()["errors"]
    assert error["status"] == "429"
    assert error["detail"].startswith("rate limited to 10 requests per 1s")


def test_rate_limiter_window_slides() -> None:
    limiter = RateLimiter(10)
    assert [limiter.check("k", now=100.0 + i * 0.01) for i in range(10)] == [None] * 10
    assert limiter.check("k", now=100.5) == 1
    assert limiter.check("other", now=100.5) is None
    assert limiter.check("k", now=101.001) is None
    assert RateLimiter(None).check("k") is None


def test_responses_carry_the_recorded_cache_and_cors_headers(api: Api) -> None:
    track = api.track("GET", "/api/v1/accounts/region")
    assert track.headers["access-control-allow-origin"] == "*"
    assert "no-store" in track.headers["cache-control"]
    assert api.app("GET", "/v1/workspaces").headers["cache-control"] == "must-revalidate,no-cache,no-store"
