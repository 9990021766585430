"""Track API v2 (/entity and /batch): 200, 207 with batch_index, 400, size limits, every person action."""

from __future__ import annotations

import pytest

from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.sandbox.helpers import Api

ADA = {"id": WELL_KNOWN["customer_id"]}


def person(action: str, identifiers: dict[str, str] | None = None, **fields: object) -> dict[str, object]:
    return {
        "type": "person",
        "action": action,
        "identifiers": ADA if identifiers is None else identifiers,
        **fields,
    }


def test_entity_identify_then_event(api: Api) -> None:
    r = api.track("POST", "/api/v2/entity", person("identify", {"id": "v2-1"}, attributes={"plan": "pro"}))
    assert (r.status_code, r.json()) == (200, {})
    r = api.track(
        "POST", "/api/v2/entity", person("event", {"id": "v2-1"}, name="v2 event", attributes={"k": 1})
    )
    assert r.status_code == 200
    assert api.attributes("v2-1").json()["customer"]["attributes"]["plan"] == "pro"
    event = api.activities("v2-1", type="event")[0]
    assert (event["name"], event["data"]) == ("v2 event", {"k": 1})


@pytest.mark.parametrize(
    ("op", "field"),
    [
        (person("identify", {}), "identifiers"),
        (person("identify", {"id": "a", "email": "b@c"}), "identifiers"),
        (person("identify", {"phone": "+15550100"}), "identifiers.phone"),
        (person("explode"), "action"),
        (person("event"), "name"),
        (person("add_device", device={"platform": "ios"}), "device.token"),
        ({"type": "alien", "action": "identify"}, "type"),
        ({"type": "object", "action": "identify", "identifiers": {"object_id": "x"}}, "identifiers"),
        (
            {"type": "delivery", "action": "event", "name": "opened", "identifiers": {"id": "d"}},
            "attributes.device_token",
        ),
    ],
)
def test_entity_invalid_operation_is_400_with_errors(api: Api, op: dict[str, object], field: str) -> None:
    r = api.track("POST", "/api/v2/entity", op)
    assert r.status_code == 400
    (error,) = r.json()["errors"]
    assert error["field"] == field
    assert set(error) == {"reason", "field", "message"}


def test_entity_over_32kb_is_400(api: Api) -> None:
    op = person("identify", {"id": "big"}, attributes={f"a{i}": "x" * 900 for i in range(40)})
    r = api.track("POST", "/api/v2/entity", op)
    assert r.status_code == 400
    assert r.json()["errors"][0]["reason"] == "too_large"
    assert api.attributes("big").status_code == 404


def test_batch_all_valid_is_200_and_applied_in_order(api: Api) -> None:
    ops = [
        person("identify", {"id": "b-1"}, attributes={"email": "b1@example.com"}),
        person("page", {"id": "b-1"}, name="https://shop.example.com/x", attributes={"title": "X"}),
        person("screen", {"email": "b1@example.com"}, name="Cart"),
        person(
            "add_device",
            {"id": "b-1"},
            device={"token": "tok-b", "platform": "ios", "attributes": {"a": "1"}},
        ),
        {
            "type": "object",
            "action": "identify",
            "identifiers": {"object_type_id": "1", "object_id": "acme"},
            "attributes": {"name": "Acme"},
        },
        {
            "type": "delivery",
            "action": "event",
            "name": "opened",
            "identifiers": {"id": "dlv-1"},
            "attributes": {"device_token": "tok-b"},
        },
    ]
    r = api.track("POST", "/api/v2/batch", {"batch": ops})
    assert (r.status_code, r.json()) == (200, {})
    customer = api.attributes("b-1").json()["customer"]
    assert customer["devices"][0]["id"] == "tok-b"
    types = [a["type"] for a in api.activities("b-1")]
    assert {"page", "screen", "device_change"} <= set(types)
    workspaces = api.app("GET", "/v1/workspaces").json()["workspaces"][0]
    assert workspaces["objects"] == 1


def test_batch_with_invalid_items_is_207_with_batch_index_and_applies_the_rest(api: Api) -> None:
    ops = [
        person("identify", {"id": "ok-1"}, attributes={"x": "1"}),
        person("event", {"id": "ok-1"}),
        person("identify", {"cio_id": "zz", "id": "both"}),
        person("identify", {"id": "ok-2"}, attributes={"big": "y" * 40_000}),
    ]
    r = api.track("POST", "/api/v2/batch", {"batch": ops})
    assert r.status_code == 207
    errors = r.json()["errors"]
    assert [e["batch_index"] for e in errors] == [1, 2, 3]
    assert all({"batch_index", "reason", "field", "message"} <= set(e) for e in errors)
    assert api.attributes("ok-1").status_code == 200
    assert api.attributes("ok-2").status_code == 404


@pytest.mark.parametrize("body", [{}, {"batch": []}, {"batch": "nope"}, [1, 2]])
def test_batch_without_operations_is_400(api: Api, body: object) -> None:
    r = api.track("POST", "/api/v2/batch", body)
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "batch"


def test_batch_over_500kb_is_400(api: Api) -> None:
    ops = [person("identify", {"id": f"p{i}"}, attributes={"n": "z" * 900}) for i in range(600)]
    r = api.track("POST", "/api/v2/batch", {"batch": ops})
    assert r.status_code == 400
    assert r.json()["errors"][0]["reason"] == "too_large"


def test_v2_dedupes_event_ids_and_handles_lifecycle_actions(api: Api) -> None:
    ev = person("event", name="once", id="01J00000000000000000000001")
    assert api.track("POST", "/api/v2/batch", {"batch": [ev, ev]}).status_code == 200
    assert len(api.activities(WELL_KNOWN["customer_id"], name="once")) == 1
    ops = [
        person("delete_device", device={"token": WELL_KNOWN["device_id"]}),
        {
            "type": "person",
            "action": "merge",
            "primary": {"id": WELL_KNOWN["shared_customer_id_1"]},
            "secondary": {"id": WELL_KNOWN["shared_customer_id_2"]},
        },
        person("suppress", {"id": WELL_KNOWN["unsubscribed_customer_id"]}),
        person(
            "add_relationships",
            cio_relationships=[{"identifiers": {"object_type_id": "1", "object_id": "acme"}}],
        ),
    ]
    assert api.track("POST", "/api/v2/batch", {"batch": ops}).status_code == 200
    assert api.attributes(WELL_KNOWN["customer_id"]).json()["customer"]["devices"] == []
    assert api.attributes(WELL_KNOWN["shared_customer_id_2"]).status_code == 404
    assert api.attributes(WELL_KNOWN["unsubscribed_customer_id"]).status_code == 404
    assert (
        api.track(
            "POST", "/api/v2/entity", person("unsuppress", {"id": WELL_KNOWN["unsubscribed_customer_id"]})
        ).status_code
        == 200
    )
    assert api.track("POST", "/api/v2/entity", person("delete")).status_code == 200
    assert api.attributes(WELL_KNOWN["customer_id"]).status_code == 404


def test_v2_cio_id_identifier_is_bare(api: Api) -> None:
    op = person("identify", {"cio_id": WELL_KNOWN["cio_id"]}, attributes={"nickname": "Countess"})
    assert api.track("POST", "/api/v2/entity", op).status_code == 200
    assert (
        api.attributes(WELL_KNOWN["customer_id"]).json()["customer"]["attributes"]["nickname"] == "Countess"
    )


def test_v2_requires_track_auth(api: Api) -> None:
    r = api.track("POST", "/api/v2/batch", {"batch": [person("identify")]}, auth=("x", "y"))
    assert r.status_code == 401
    assert r.json() == {"meta": {"error": "Unauthorized request"}}
