"""Secrets never reach the history, its file, a HAR export, a curl string or an error: redaction by
name (headers, query parameters, JSON and form fields) and by value (the client's own keys)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from cio_desktop.api import errors as E
from cio_desktop.api.curl import to_curl
from cio_desktop.api.har import write_har
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.models import Credentials
from cio_desktop.api.redact import REDACTED, Redactor
from cio_desktop.api.retry import NO_RETRY
from cio_desktop.sandbox import ThreadedSandbox
from tests.api.conftest import MakeClient, credentials_for


def test_headers_keep_the_scheme_only() -> None:
    r = Redactor()
    out = r.headers({"Authorization": "Bearer abc.def", "X-Api-Key": "k1", "Cookie": "s=1", "Accept": "json"})
    assert out == {
        "Authorization": f"Bearer {REDACTED}",
        "X-Api-Key": REDACTED,
        "Cookie": REDACTED,
        "Accept": "json",
    }


def test_url_query_parameters() -> None:
    r = Redactor()
    url = "https://h/cb?code=c0de&state=s&refresh_token=rt&access_token=at&client_secret=cs&api_key=k&email=a%40b"
    out = r.url(url)
    for value in ("c0de", "=rt", "=at", "=cs", "=k&"):
        assert value not in out
    assert "state=s" in out
    assert "email=a%40b" in out
    assert r.url("https://user:pw@h/x") == f"https://{REDACTED}@h/x"


def test_json_and_form_bodies() -> None:
    r = Redactor()
    body = json.dumps({"client_secret": "cs", "nested": [{"password": "pw", "token": "t", "name": "ok"}]})
    assert json.loads(r.body(body) or "") == {
        "client_secret": REDACTED,
        "nested": [{"password": REDACTED, "token": REDACTED, "name": "ok"}],
    }
    form = "grant_type=client_credentials&client_secret=sa_live_x&code=123&scope=read_only"
    out = r.body(form, "application/x-www-form-urlencoded") or ""
    assert "sa_live_x" not in out
    assert "code=123" not in out
    assert "scope=read_only" in out
    assert "s3cr" not in (r.body("refresh_token: s3cr, other: 1", "text/plain") or "")


def test_known_values_in_any_form() -> None:
    secret = "trk_4f1b2c3d/+x"
    r = Redactor([secret], basic_pairs=[("site", secret)])
    for text in (
        f"key is {secret}!",
        "b64 " + base64.b64encode(secret.encode()).decode(),
        "pair " + base64.b64encode(f"site:{secret}".encode()).decode(),
        "url trk_4f1b2c3d%2F%2Bx",
    ):
        assert REDACTED in r.text(text)
        assert "4f1b2c3d" not in r.text(text)
    assert r.text("nothing here") == "nothing here"


def _forms(*secrets: str, site: str) -> list[bytes]:
    out: list[bytes] = []
    for secret in secrets:
        out += [
            secret.encode(),
            base64.b64encode(secret.encode()),
            base64.b64encode(f"{site}:{secret}".encode()),
        ]
    return out


def _collect(
    tmp_path: Path, cio_home: Path, history: RequestHistory, errors: list[E.ApiError]
) -> dict[str, bytes]:
    """Everything the user could see or share, as bytes."""
    har = tmp_path / "all.har"
    write_har(history.records(), har)
    return {
        "history records": json.dumps([r.to_json_dict() for r in history.records()]).encode(),
        "history file": history.path.read_bytes(),
        "HAR": har.read_bytes(),
        "curl": "\n".join(to_curl(r) for r in history.records()).encode(),
        "errors": "\n".join(f"{e}|{e.detail}|{e!r}|{e.server_message}" for e in errors).encode(),
        "every file under the app's home": b"".join(
            p.read_bytes() for p in cio_home.rglob("*") if p.is_file()
        ),
    }


async def test_no_secret_bytes_anywhere(
    tmp_path: Path, cio_home: Path, sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    info = sandbox.info
    wrong = "wrong-app-key-9f8e7d"
    history = RequestHistory()  # persisted under the test's CIO_DESKTOP_HOME
    client = make_client(sandbox, history=history, retry=NO_RETRY)
    bad = make_client(
        sandbox, history=history, retry=NO_RETRY, credentials=credentials_for(sandbox, app_api_key=wrong)
    )
    errors: list[E.ApiError] = []

    # A user pasting keys where they do not belong, in bodies and in a query string.
    await client.track.identify(
        "leaky", {"note": f"my key is {info.track_api_key}", "password": "hunter2-pw"}
    )
    await client.track.event("leaky", "pasted", {"app_key": info.app_api_key, "access_token": "at-123456"})
    await client.app.find_by_email(f"{info.app_api_key}@example.com")
    for call in (bad.app.workspaces(), client.app.attributes("nobody-here")):
        try:
            await call
        except E.ApiError as exc:
            errors.append(exc)
    sandbox.set_faults(["malformed=1"])
    try:
        await client.app.attributes("leaky")
    except E.ApiError as exc:
        errors.append(exc)
    assert len(errors) == 3

    await history.aflush()  # calls do not wait for the history file
    blobs = _collect(tmp_path, cio_home, history, errors)
    for where, blob in blobs.items():
        for secret in _forms(info.track_api_key, info.app_api_key, wrong, site=info.site_id):
            assert secret not in blob, f"a secret leaked into the {where}"
        assert b"hunter2-pw" not in blob
        assert b"at-123456" not in blob
    assert history.records()[0].request_headers["authorization"] == f"Basic {REDACTED}"


def test_credentials_repr_hides_values() -> None:
    creds = Credentials("track-secret-1", "app-secret-1")
    assert "secret" not in repr(creds)
    assert "secret" not in str(creds)
    assert repr(creds) == "Credentials(track_api_key=<set>, app_api_key=<set>)"
    assert "app_api_key=<missing>" in repr(Credentials("t-123456"))


@pytest.mark.parametrize("status", [400, 401, 404, 429, 500])
def test_error_text_never_includes_the_body(status: int) -> None:
    body = b'{"meta":{"error":"bad key sk_live_123 for person"}}'
    err = E.error_for_response(
        status, {"x-request-id": "req-1"}, body, api="app", endpoint="GET https://api.customer.io/v1/x",
        redact=Redactor(["sk_live_123"]).text,
    )  # fmt: skip
    assert "sk_live_123" not in f"{err}{err.detail}{err!r}{err.server_message}"
    assert "bad key" not in err.message
    assert "req-1" in err.detail
    assert err.request_id == "req-1"
