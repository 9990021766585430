"""Fault injection: the spec grammar, and each fault as a client sees it over a real socket."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from cio_desktop.sandbox.faults import FaultSpecError, parse_fault
from tests.fixtures.sandbox import MakeSandbox
from tests.sandbox.helpers import Api

ADA = WELL_KNOWN["customer_id"]


@pytest.mark.parametrize(
    ("spec", "kind", "low", "high", "prefix"),
    [
        ("latency=2", "latency", 2.0, 2.0, None),
        ("latency=0.1-0.5", "latency", 0.1, 0.5, None),
        ("error=0.5", "error", 0.5, 0.5, None),
        ("status=503@/v1", "status", 503.0, 503.0, "/v1"),
        ("burst429=3", "burst429", 3.0, 3.0, None),
        (" DROP=1@/api/v2 ", "drop", 1.0, 1.0, "/api/v2"),
        ("truncate=1", "truncate", 1.0, 1.0, None),
        ("malformed=0.25", "malformed", 0.25, 0.25, None),
        ("trickle=2", "trickle", 2.0, 2.0, None),
    ],
)
def test_fault_grammar(spec: str, kind: str, low: float, high: float, prefix: str | None) -> None:
    fault = parse_fault(spec)
    assert (fault.kind, fault.low, fault.high, fault.prefix) == (kind, low, high, prefix)


@pytest.mark.parametrize(
    "spec",
    [
        "latency",
        "slow=1",
        "latency=abc",
        "latency=2-1",
        "error=1.5",
        "status=200",
        "status=503.5",
        "burst429=1.5",
        "drop=1@v1",
        "latency=-1",
    ],
)
def test_bad_fault_specs_are_refused_with_a_message(spec: str) -> None:
    with pytest.raises(FaultSpecError, match="fault"):
        parse_fault(spec)


@pytest.fixture
def faulty(make_sandbox: MakeSandbox) -> ThreadedSandbox:
    return make_sandbox(rate_limit=None, people=10)


def _attrs(api: Api) -> httpx.Response:
    return api.attributes(ADA)


def test_latency_delays_answers(faulty: ThreadedSandbox) -> None:
    faulty.set_faults(["latency=0.3"])
    api = Api(faulty)
    started = time.monotonic()
    assert _attrs(api).status_code == 200
    assert time.monotonic() - started >= 0.3
    faulty.set_faults(["latency=0.05-0.1"])
    started = time.monotonic()
    assert _attrs(api).status_code == 200
    assert time.monotonic() - started >= 0.05
    api.close()


def test_error_share_one_cycles_500_502_503_and_changes_nothing(faulty: ThreadedSandbox) -> None:
    faulty.set_faults(["error=1"])
    api = Api(faulty)
    answers = [api.track("PUT", f"/api/v1/customers/err-{i}", {"a": 1}) for i in range(3)]
    assert [r.status_code for r in answers] == [500, 502, 503]
    assert answers[0].json() == {"meta": {"error": "Internal Server Error"}}
    assert answers[1].headers["content-type"].startswith("text/html")
    faulty.set_faults([])
    assert api.attributes("err-0").status_code == 404
    api.close()


def test_status_fault_with_path_prefix(faulty: ThreadedSandbox) -> None:
    faulty.set_faults(["status=503@/v1/customers"])
    api = Api(faulty)
    assert _attrs(api).status_code == 503
    assert api.app("GET", "/v1/workspaces").status_code == 200
    assert api.track("GET", "/api/v1/accounts/region").status_code == 200
    api.close()


def test_burst429_answers_n_times_then_recovers(faulty: ThreadedSandbox) -> None:
    faulty.set_faults(["burst429=2"])
    api = Api(faulty)
    codes = [_attrs(api) for _ in range(3)]
    assert [r.status_code for r in codes] == [429, 429, 200]
    assert codes[0].headers["Retry-After"] == "1"
    assert codes[0].json()["errors"][0]["status"] == "429"
    api.close()


def test_drop_closes_the_connection_without_an_answer(faulty: ThreadedSandbox) -> None:
    faulty.set_faults(["drop=1@/api/v1/customers"])
    api = Api(faulty)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.track("PUT", "/api/v1/customers/dropped", {"a": 1})
    faulty.set_faults([])
    assert api.attributes("dropped").status_code == 404
    api.close()


def test_truncate_cuts_the_body_after_doing_the_work(faulty: ThreadedSandbox) -> None:
    faulty.set_faults(["truncate=1"])
    api = Api(faulty)
    with pytest.raises(httpx.RemoteProtocolError):
        api.track("PUT", "/api/v1/customers/truncated", {"a": 1})
    faulty.set_faults([])
    assert api.attributes("truncated").status_code == 200
    api.close()


def test_malformed_json_keeps_status_and_content_type(faulty: ThreadedSandbox) -> None:
    faulty.set_faults(["malformed=1"])
    api = Api(faulty)
    r = _attrs(api)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.content)
    r = api.track("PUT", "/api/v1/customers/mal", {"a": 1})
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.content)
    api.close()


def test_trickle_sends_the_whole_body_slowly(faulty: ThreadedSandbox) -> None:
    faulty.set_faults(["trickle=0.4"])
    api = Api(faulty)
    started = time.monotonic()
    r = _attrs(api)
    assert time.monotonic() - started >= 0.35
    assert r.json()["customer"]["id"] == ADA
    api.close()


def test_faults_from_options_and_runtime_clear(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(faults=["status=500"], rate_limit=None, people=5)
    api = Api(sb)
    assert _attrs(api).status_code == 500
    assert _attrs(api).json() == {"errors": [{"detail": "internal server error", "status": "500"}]}
    sb.set_faults([])
    assert _attrs(api).status_code == 200
    with pytest.raises(FaultSpecError):
        sb.set_faults(["nonsense"])
    api.close()


def test_faults_apply_over_tls_too(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(tls=True, faults=["drop=1@/v1"], people=5)
    api = Api(sb)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        _attrs(api)
    api.close()
