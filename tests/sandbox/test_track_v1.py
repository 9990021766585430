"""Track API v1 against a real sandbox socket: auth, region, identify, devices, events, limits, merge."""

from __future__ import annotations

import base64

import pytest

from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.sandbox.helpers import Api

OK = (200, {})


def ok(r: object) -> tuple[int, object]:
    return r.status_code, r.json()  # type: ignore[attr-defined]


# -- auth and region ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "auth",
    [None, ("wrong-site", "wrong-key"), "app-key-as-basic"],
    ids=["missing", "wrong", "app-key"],
)
def test_track_rejects_bad_credentials_with_documented_401(api: Api, auth: object) -> None:
    if auth == "app-key-as-basic":
        auth = (api.info.site_id, api.info.app_api_key)
    r = api.track("PUT", "/api/v1/customers/x", {"a": 1}, auth=auth)
    assert r.status_code == 401
    assert r.json() == {"meta": {"error": "Unauthorized request"}}
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    assert api.attributes("x").status_code == 404


def test_track_accepts_url_safe_base64_credentials(api: Api) -> None:
    token = base64.urlsafe_b64encode(f"{api.info.site_id}:{api.info.track_api_key}".encode()).decode()
    r = api.track("GET", "/api/v1/accounts/region", auth=None, headers={"Authorization": f"Basic {token}"})
    assert r.status_code == 200


def test_region_lookup_returns_url_region_and_workspace_id(api: Api) -> None:
    r = api.track("GET", "/api/v1/accounts/region")
    assert r.json() == {"url": api.info.track_url, "region": "us", "environment_id": api.info.workspace_id}


# -- identify ----------------------------------------------------------------------------------


def test_identify_success_is_exactly_200_empty_object(api: Api) -> None:
    r = api.track("PUT", "/api/v1/customers/new-1", {"email": "New@Example.com", "plan": "pro", "age": 31})
    assert ok(r) == OK
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    customer = api.attributes("new-1").json()["customer"]
    assert customer["identifiers"] == {
        "email": "New@Example.com",
        "id": "new-1",
        "cio_id": customer["attributes"]["cio_id"],
    }
    assert customer["attributes"]["age"] == "31"
    assert customer["attributes"]["plan"] == "pro"
    assert isinstance(customer["timestamps"]["plan"], int)


def test_identify_by_email_is_case_insensitive_and_updates_the_same_person(api: Api) -> None:
    email = WELL_KNOWN["email"].upper()
    assert ok(api.track("PUT", f"/api/v1/customers/{email}", {"favourite": "tea"})) == OK
    attrs = api.attributes(WELL_KNOWN["customer_id"]).json()["customer"]["attributes"]
    assert attrs["favourite"] == "tea"
    r = api.app("GET", "/v1/customers", params={"email": WELL_KNOWN["email"]})
    assert len(r.json()["results"]) == 1


def test_identify_by_cio_id_can_change_the_id(api: Api) -> None:
    cio = WELL_KNOWN["cio_id"]
    assert ok(api.track("PUT", f"/api/v1/customers/cio_{cio}", {"id": "ada-renamed"})) == OK
    assert api.attributes(WELL_KNOWN["customer_id"]).status_code == 404
    assert api.attributes("ada-renamed").json()["customer"]["identifiers"]["cio_id"] == cio


def test_identify_with_unknown_cio_id_is_dropped(api: Api) -> None:
    assert ok(api.track("PUT", "/api/v1/customers/cio_ffffffff", {"x": "1"})) == OK
    log = api.workspace_log(type="failed_attribute_change")
    assert log[0]["data"]["identifier"] == "ffffffff"


def test_update_flag_never_creates(api: Api) -> None:
    assert ok(api.track("PUT", "/api/v1/customers/ghost", {"_update": True, "plan": "pro"})) == OK
    assert api.attributes("ghost").status_code == 404
    assert (
        ok(api.track("PUT", f"/api/v1/customers/{WELL_KNOWN['customer_id']}", {"_update": True, "x": 1}))
        == OK
    )
    assert api.attributes(WELL_KNOWN["customer_id"]).json()["customer"]["attributes"]["x"] == "1"


def test_new_id_with_existing_email_adopts_the_email_only_person(api: Api) -> None:
    email = WELL_KNOWN["email_only_email"]
    assert ok(api.track("PUT", "/api/v1/customers/grace-1", {"email": email})) == OK
    r = api.app("GET", "/v1/customers", params={"email": email})
    assert [p["id"] for p in r.json()["results"]] == ["grace-1"]


def test_unsubscribed_accepts_documented_true_values_and_null_removes(api: Api) -> None:
    cid = WELL_KNOWN["customer_id"]
    api.track("PUT", f"/api/v1/customers/{cid}", {"unsubscribed": "1", "company": None})
    customer = api.attributes(cid).json()["customer"]
    assert customer["unsubscribed"] is True
    assert "company" not in customer["attributes"]
    api.track("PUT", f"/api/v1/customers/{cid}", {"unsubscribed": False})
    assert api.attributes(cid).json()["customer"]["unsubscribed"] is False


def test_subscription_preferences_dot_notation(api: Api) -> None:
    cid = WELL_KNOWN["customer_id"]
    api.track("PUT", f"/api/v1/customers/{cid}", {"cio_subscription_preferences.topics.topic_3": True})
    r = api.app("GET", f"/v1/customers/{cid}/subscription_preferences")
    topics = {t["id"]: t["subscribed"] for t in r.json()["customer"]["topics"]}
    assert topics[3] is True


def test_identifier_with_slash_is_one_path_segment(api: Api) -> None:
    assert ok(api.track("PUT", "/api/v1/customers/team%2Falpha", {"plan": "x"})) == OK
    assert api.attributes("team%2Falpha").json()["customer"]["id"] == "team/alpha"


def test_identify_records_attribute_change_activity(api: Api) -> None:
    cid = WELL_KNOWN["customer_id"]
    api.track("PUT", f"/api/v1/customers/{cid}", {"plan": "free"})
    latest = api.activities(cid, type="attribute_change")[0]
    assert latest["data"]["plan"] == {"from": "enterprise", "to": "free"}


# -- limits and bad bodies -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/api/v1/customers/" + "x" * 151, {"a": 1}, "150 bytes"),
        ("/api/v1/customers/lim", {"a" * 151: 1}, "150 bytes"),
        ("/api/v1/customers/lim", {"big": "é" * 501}, "1000 bytes"),
        ("/api/v1/customers/lim", {f"a{i}": i for i in range(301)}, "too many attributes"),
        ("/api/v1/customers/lim/events", {"name": "n" * 101}, "100 bytes"),
        ("/api/v1/customers/lim/events", {"name": "big", "data": {"x": "y" * 100_001}}, "100000 bytes"),
        ("/api/v1/customers/lim/events", {"data": {}}, "name is required"),
        ("/api/v1/customers/lim/events", {"name": "t", "timestamp": "yesterday"}, "timestamp"),
        ("/api/v1/events", {"name": "   "}, "name is required"),
    ],
)
def test_limits_answer_400_with_meta_errors(api: Api, path: str, body: object, fragment: str) -> None:
    r = api.track("PUT" if path.count("/") == 4 else "POST", path, body)
    assert r.status_code == 400
    errors = r.json()["meta"]["errors"]
    assert any(fragment in e for e in errors), errors
    assert api.attributes("lim").status_code == 404


def test_invalid_json_is_a_400(api: Api) -> None:
    r = api.track(
        "PUT", "/api/v1/customers/bad", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert "not valid JSON" in r.json()["meta"]["errors"][0]


# -- delete, devices, suppress ---------------------------------------------------------------------


def test_delete_removes_the_person_and_logs_it(api: Api) -> None:
    cid = WELL_KNOWN["customer_id"]
    assert ok(api.track("DELETE", f"/api/v1/customers/{cid}")) == OK
    assert api.attributes(cid).status_code == 404
    assert api.workspace_log(type="profile_delete", deleted="true")[0]["customer_id"] == cid
    assert ok(api.track("DELETE", "/api/v1/customers/never-existed")) == OK


def test_devices_add_and_delete(api: Api) -> None:
    cid = WELL_KNOWN["customer_id"]
    body = {"device": {"id": "tok-1", "platform": "android", "last_used": 1700000000, "app_version": "3.1"}}
    assert ok(api.track("PUT", f"/api/v1/customers/{cid}/devices", body)) == OK
    devices = {d["id"]: d for d in api.attributes(cid).json()["customer"]["devices"]}
    assert devices["tok-1"]["platform"] == "android"
    assert devices["tok-1"]["last_used"] == 1700000000
    assert devices["tok-1"]["attributes"]["app_version"] == "3.1"
    assert ok(api.track("DELETE", f"/api/v1/customers/{cid}/devices/tok-1")) == OK
    devices = {d["id"] for d in api.attributes(cid).json()["customer"]["devices"]}
    assert "tok-1" not in devices
    assert api.activities(cid, type="device_change")[0]["data"]["action"] == "delete"


@pytest.mark.parametrize(
    "body", [{}, {"device": {"platform": "ios"}}, {"device": {"id": "t", "platform": "windows"}}]
)
def test_device_validation(api: Api, body: object) -> None:
    r = api.track("PUT", f"/api/v1/customers/{WELL_KNOWN['customer_id']}/devices", body)
    assert r.status_code == 400
    assert r.json()["meta"]["errors"]


def test_suppress_deletes_and_blocks_until_unsuppressed(api: Api) -> None:
    cid = WELL_KNOWN["customer_id"]
    assert ok(api.track("POST", f"/api/v1/customers/{cid}/suppress")) == OK
    assert api.attributes(cid).status_code == 404
    api.track("PUT", f"/api/v1/customers/{cid}", {"plan": "back"})
    assert api.attributes(cid).status_code == 404
    assert ok(api.track("POST", f"/api/v1/customers/{cid}/unsuppress")) == OK
    api.track("PUT", f"/api/v1/customers/{cid}", {"plan": "back"})
    assert api.attributes(cid).json()["customer"]["attributes"]["plan"] == "back"


# -- events ------------------------------------------------------------------------------------------


def test_person_event_page_and_screen_appear_in_activities(api: Api) -> None:
    cid = WELL_KNOWN["customer_id"]
    api.track("POST", f"/api/v1/customers/{cid}/events", {"name": " signup ", "data": {"plan": "pro"}})
    api.track("POST", f"/api/v1/customers/{cid}/events", {"name": "https://x.example/a", "type": "page"})
    api.track(
        "POST", f"/api/v1/customers/{cid}/events", {"name": "Home", "type": "screen", "timestamp": 1700000000}
    )
    event = api.activities(cid, type="event", name="signup")[0]
    assert event["data"] == {"plan": "pro"}
    assert event["customer_identifiers"]["id"] == cid
    page = api.activities(cid, type="page")[0]
    assert page["url"] == "https://x.example/a"
    screen = api.activities(cid, type="screen", name="Home")
    assert any(a["timestamp"] == 1700000000 for a in screen)


def test_event_for_unknown_id_creates_the_person(api: Api) -> None:
    api.track("POST", "/api/v1/customers/brand-new/events", {"name": "first"})
    assert [a["type"] for a in api.activities("brand-new")] == ["event", "profile_create"]


def test_repeated_event_id_is_ignored(api: Api) -> None:
    cid = WELL_KNOWN["customer_id"]
    body = {"name": "dedupe-me", "id": "01HZZZZZZZZZZZZZZZZZZZZZZZ"}
    assert ok(api.track("POST", f"/api/v1/customers/{cid}/events", body)) == OK
    assert ok(api.track("POST", f"/api/v1/customers/{cid}/events", body)) == OK
    assert len(api.activities(cid, name="dedupe-me")) == 1


def test_anonymous_events_merge_on_identify_with_same_anonymous_id(api: Api) -> None:
    for name in ("viewed", "added"):
        assert ok(api.track("POST", "/api/v1/events", {"name": name, "anonymous_id": "anon-42"})) == OK
    assert api.workspace_log(name="viewed")[0]["anonymous_id"] == "anon-42"
    api.track("PUT", "/api/v1/customers/later-known", {"anonymous_id": "anon-42", "email": "l@example.com"})
    types = [(a["type"], a.get("name")) for a in api.activities("later-known")]
    assert ("event", "viewed") in types
    assert ("event", "added") in types
    assert types[0] == ("anon_merge", None)


def test_seeded_anonymous_visitor_merges(api: Api) -> None:
    api.track("PUT", "/api/v1/customers/visitor", {"anonymous_id": WELL_KNOWN["anonymous_id"]})
    assert len(api.activities("visitor", type="page")) == 3


# -- merge and segments ------------------------------------------------------------------------------


def test_merge_customers_moves_data_and_deletes_secondary(api: Api) -> None:
    body = {
        "primary": {"id": WELL_KNOWN["shared_customer_id_1"]},
        "secondary": {"id": WELL_KNOWN["shared_customer_id_2"]},
    }
    assert ok(api.track("POST", "/api/v1/merge_customers", body)) == OK
    assert api.attributes(WELL_KNOWN["shared_customer_id_2"]).status_code == 404
    assert api.activities(WELL_KNOWN["shared_customer_id_1"])[0]["type"] == "profile_merge"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"primary": {"id": "a", "email": "b@c"}, "secondary": {"id": "c"}},
        {"primary": {"phone": "1"}, "secondary": {"id": "c"}},
    ],
)
def test_merge_customers_400_uses_meta_error(api: Api, body: object) -> None:
    r = api.track("POST", "/api/v1/merge_customers", body)
    assert r.status_code == 400
    assert "exactly one" in r.json()["meta"]["error"]


def test_manual_segment_add_and_remove(api: Api) -> None:
    seg = WELL_KNOWN["manual_segment_id"]
    cid = WELL_KNOWN["shared_customer_id_1"]
    assert ok(api.track("POST", f"/api/v1/segments/{seg}/add_customers", {"ids": [cid]})) == OK
    names = [s["id"] for s in api.app("GET", f"/v1/customers/{cid}/segments").json()["segments"]]
    assert int(seg) in names
    assert ok(api.track("POST", f"/api/v1/segments/{seg}/remove_customers", {"ids": [cid]})) == OK
    names = [s["id"] for s in api.app("GET", f"/v1/customers/{cid}/segments").json()["segments"]]
    assert int(seg) not in names
    assert api.track("POST", f"/api/v1/segments/{seg}/add_customers", {"ids": []}).status_code == 400
    assert api.track("POST", "/api/v1/segments/1/add_customers", {"ids": [cid]}).status_code == 400


def test_forms_answer_204_and_metrics_need_no_auth(api: Api) -> None:
    r = api.track(
        "POST", "/api/v1/forms/contact/submit", {"data": {"email": "form@example.com", "msg": "hi"}}
    )
    assert r.status_code == 204
    assert api.activities("form@example.com", id_type="email")[0]["type"] == "form_submit"
    r = api.track("POST", "/api/v1/metrics", {"delivery_id": "d1", "metric": "opened"}, auth=None)
    assert ok(r) == OK
    assert api.workspace_log(type="delivery_metric")[0]["delivery_id"] == "d1"


def test_unknown_track_path_is_a_json_404(api: Api) -> None:
    r = api.track("GET", "/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.json() == {"meta": {"error": "Not Found"}}


def test_push_metrics_on_both_documented_paths_need_no_auth(api: Api) -> None:
    body = {"delivery_id": "dlv-p", "event": "opened", "device_id": "tok", "timestamp": 1_700_000_000}
    assert ok(api.track("POST", "/api/v1/push/events", body, auth=None)) == OK
    assert ok(api.track("POST", "/push/events", body, auth=None)) == OK
    assert len(api.workspace_log(type="opened_push")) == 2
    assert api.track("POST", "/push/events", {"event": "clicked"}, auth=None).status_code == 400


def test_custom_unsubscribe_by_delivery_id(api: Api) -> None:
    cid = WELL_KNOWN["customer_id"]
    delivery = api.app("GET", f"/v1/customers/{cid}/messages", params={"limit": 1}).json()["messages"][0][
        "id"
    ]
    r = api.track("POST", f"/unsubscribe/{delivery}", content=b'{"unsubscribe":true}', auth=None)
    assert r.status_code == 400  # no JSON content type
    assert ok(api.track("POST", f"/unsubscribe/{delivery}", {"unsubscribe": True}, auth=None)) == OK
    assert api.attributes(cid).json()["customer"]["unsubscribed"] is True
    assert (
        api.track("POST", "/unsubscribe/not-a-delivery", {"unsubscribe": True}, auth=None).status_code == 400
    )


def test_oversized_v1_body_is_refused(api: Api) -> None:
    r = api.track("PUT", "/api/v1/customers/huge", {"blob": "x" * (1024 * 1024 + 10)})
    assert r.status_code == 400
    assert "larger than" in r.json()["meta"]["errors"][0]
    r = api.track("PUT", "/api/v1/customers/huge", {"blob": "x" * (5 * 1024 * 1024)})
    assert r.status_code == 413
    assert "meta" in r.json()
