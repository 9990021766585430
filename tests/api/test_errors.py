"""Every error kind, produced by the sandbox over real sockets (faults) and translated into plain words;
no message, detail or repr ever carries a key."""

from __future__ import annotations

import time

import pytest

from cio_desktop.api import errors as E
from cio_desktop.api.client import CioClient
from cio_desktop.api.models import NetworkSettings
from cio_desktop.api.retry import NO_RETRY
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.api.conftest import MakeClient, credentials_for, workspace_for
from tests.fixtures.sandbox import MakeSandbox

WHO = WELL_KNOWN["customer_id"]


def _no_secrets(err: E.ApiError, sb: ThreadedSandbox) -> None:
    text = " ".join([str(err), err.message, err.detail, repr(err), str(err.server_message)])
    for secret in (sb.info.track_api_key, sb.info.app_api_key):
        assert secret not in text


@pytest.fixture
def plain(sandbox: ThreadedSandbox, make_client: MakeClient) -> CioClient:
    """A client that does not retry, so each fault surfaces as it is."""
    return make_client(sandbox, retry=NO_RETRY)


async def _app_error(client: CioClient) -> E.ApiError:
    with pytest.raises(E.ApiError) as caught:
        await client.app.attributes(WHO)
    return caught.value


async def test_not_found(plain: CioClient, sandbox: ThreadedSandbox) -> None:
    with pytest.raises(E.NotFoundError) as caught:
        await plain.app.attributes(WELL_KNOWN["missing_customer_id"])
    err = caught.value
    assert err.status == 404
    assert "no person" in err.message.lower()
    assert err.detail.startswith(
        f"GET {sandbox.info.app_url}/v1/customers/{WELL_KNOWN['missing_customer_id']}"
    )
    assert "HTTP 404" in err.detail
    assert err.exchange_id == plain.history.records()[-1].id  # type: ignore[union-attr]
    _no_secrets(err, sandbox)


async def test_rate_limited_with_retry_after(plain: CioClient, sandbox: ThreadedSandbox) -> None:
    sandbox.set_faults(["burst429=1"])
    err = await _app_error(plain)
    assert isinstance(err, E.RateLimitedError)
    assert err.retry_after == 1.0
    assert "Wait 1 second and try again" in err.message
    assert "rate limited" in (err.server_message or "")
    _no_secrets(err, sandbox)


def test_rate_limited_without_retry_after_is_a_quota() -> None:
    err = E.error_for_response(
        429, {}, b'{"errors":[{"detail":"quota","status":"429"}]}', api="app", endpoint="GET x"
    )
    assert isinstance(err, E.RateLimitedError)
    assert err.retry_after is None
    assert "Try again later" in err.message


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors(plain: CioClient, sandbox: ThreadedSandbox, status: int) -> None:
    sandbox.set_faults([f"status={status}"])
    err = await _app_error(plain)
    assert isinstance(err, E.ServerError)
    assert err.status == status
    assert f"problem on its side (error {status})" in err.message
    assert "<html" not in err.message + err.detail  # never the body


async def test_forbidden_and_other_4xx(plain: CioClient, sandbox: ThreadedSandbox) -> None:
    sandbox.set_faults(["status=403"])
    err = await _app_error(plain)
    assert isinstance(err, E.AuthError)
    assert "refused this request" in err.message
    sandbox.set_faults(["status=409"])
    err = await _app_error(plain)
    assert type(err) is E.RequestRejectedError
    assert "error 409" in err.message


async def test_unauthorized_track_key(sandbox: ThreadedSandbox, make_client: MakeClient) -> None:
    client = make_client(sandbox, credentials=credentials_for(sandbox, track_api_key="not-the-key"))
    with pytest.raises(E.AuthError) as caught:
        await client.track.identify("x", {"a": 1})
    assert caught.value.api == "track"
    assert caught.value.status == 401
    assert "not an App API key" in caught.value.message
    assert "not-the-key" not in repr(caught.value) + caught.value.detail


async def test_validation_error_lists_the_problems(plain: CioClient, sandbox: ThreadedSandbox) -> None:
    with pytest.raises(E.ValidationError) as caught:
        await plain.track.event(WHO, "x" * 150)
    err = caught.value
    assert err.status == 400
    assert not err.partial
    assert "did not accept the data" in err.message
    assert "100" in (err.server_message or "")  # the server's reason, kept apart from the message
    assert "x" * 150 not in err.message + err.detail


async def test_timeout(sandbox: ThreadedSandbox, make_client: MakeClient) -> None:
    client = make_client(
        sandbox, retry=NO_RETRY, settings=NetworkSettings(timeout_s=0.3, connect_timeout_s=0.3)
    )
    sandbox.set_faults(["latency=2"])
    started = time.monotonic()
    err = await _app_error(client)
    assert time.monotonic() - started < 1.5
    assert isinstance(err, E.ApiTimeoutError)
    # The call's total deadline (equal to the read timeout, and started earlier) usually ends it first.
    assert "within 0.3 seconds" in err.message
    assert "waiting for the answer" in err.detail or "total deadline of 0.3 s" in err.detail


async def test_connection_refused(make_sandbox: MakeSandbox, make_client: MakeClient) -> None:
    sb = make_sandbox()
    ws = workspace_for(sb)
    sb.stop()
    client = make_client(sb, workspace=ws, retry=NO_RETRY)
    err = await _app_error(client)
    assert type(err) is E.ConnectionFailedError
    assert "Could not connect to 127.0.0.1" in err.message
    assert err.status is None
    assert client.history.records()[-1].status is None  # type: ignore[union-attr]  # recorded as a failure


@pytest.mark.parametrize("fault", ["drop=1", "truncate=1"])
async def test_connection_cut_off(plain: CioClient, sandbox: ThreadedSandbox, fault: str) -> None:
    sandbox.set_faults([fault])
    err = await _app_error(plain)
    assert type(err) is E.ConnectionFailedError
    assert "cut off" in err.message


async def test_malformed_json(plain: CioClient, sandbox: ThreadedSandbox) -> None:
    sandbox.set_faults(["malformed=1"])
    err = await _app_error(plain)
    assert isinstance(err, E.InvalidResponseError)
    assert err.status == 200
    assert "could not read" in err.message


async def test_tls_without_the_sandbox_ca(sandbox_tls: ThreadedSandbox, make_client: MakeClient) -> None:
    client = make_client(sandbox_tls, workspace=workspace_for(sandbox_tls, ca_file=None))
    err = await _app_error(client)
    assert isinstance(err, E.TlsError)
    assert "could not be verified" in err.message
    assert "CA certificate" in err.message
    assert "TLS:" in err.detail
    assert err.issuer  # who signed the refused certificate, read from an unverified handshake
    assert f"issued by “{err.issuer}”" in err.message
    assert len(client.history.records()) == 1  # type: ignore[union-attr]  # a TLS failure is not retried


async def test_missing_credentials_send_nothing(sandbox: ThreadedSandbox, make_client: MakeClient) -> None:
    client = make_client(sandbox, credentials=credentials_for(sandbox, app_api_key=None))
    with pytest.raises(E.MissingCredentialsError) as caught:
        await client.app.attributes(WHO)
    assert "no App API key" in caught.value.message
    assert client.history.records() == []  # type: ignore[union-attr]


def test_error_tree() -> None:
    from cio_desktop.errors import CioDesktopError

    for cls in (E.AuthError, E.NotFoundError, E.RateLimitedError, E.ServerError, E.ApiTimeoutError,
                E.ConnectionFailedError, E.ValidationError, E.TlsError, E.InvalidResponseError):  # fmt: skip
        assert issubclass(cls, E.ApiError)
        assert issubclass(cls, CioDesktopError)
    assert issubclass(E.TlsError, E.ConnectionFailedError)


async def test_a_mangled_key_is_refused_before_sending(
    sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    client = make_client(sandbox, credentials=credentials_for(sandbox, app_api_key="“abc def”"))
    with pytest.raises(E.MissingCredentialsError) as caught:
        await client.app.workspaces()
    assert "characters a key never has" in caught.value.message
    assert "abc" not in caught.value.message + caught.value.detail
    assert client.history.records() == []  # type: ignore[union-attr]


async def test_an_invalid_address(sandbox: ThreadedSandbox, make_client: MakeClient) -> None:
    client = make_client(sandbox, workspace=workspace_for(sandbox, app_url="ftp://files.example.com"))
    with pytest.raises(E.ApiError) as caught:
        await client.app.workspaces()
    assert "not a valid web address" in caught.value.message
    assert type(caught.value) is E.ApiError
    assert len(client.history.records()) == 1  # type: ignore[union-attr]  # not retried


def test_the_three_error_envelopes() -> None:
    assert E.server_messages(b'{"meta":{"error":"bad attachment"}}') == (["bad attachment"], [])
    assert E.server_messages(b'{"meta":{"errors":["a","b"]}}')[0] == ["a", "b"]
    texts, fields = E.server_messages(
        b'{"errors":[{"batch_index":2,"reason":"required","field":"identifiers","message":"missing"}]}'
    )
    assert texts == ["missing"]
    assert fields == [E.FieldError(field="identifiers", message="missing", reason="required", batch_index=2)]
    assert E.server_messages(b"<html>502</html>") == ([], [])


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert E.parse_retry_after("3") == 3.0
    assert E.parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert E.parse_retry_after("soon") is None
    assert E.parse_retry_after(None) is None
