"""Tokens in the real Secret Service, refresh and rotation under load, invalid_grant, revocation and the
device flow, against the sandbox's authorization server."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from cio_desktop.api.client import CioClient
from cio_desktop.api.models import Credentials
from cio_desktop.models import SECRET_PART_CHARS, Region, SecretKind, Workspace
from cio_desktop.oauth.device import DeviceCode
from cio_desktop.oauth.errors import SignedOut
from cio_desktop.oauth.registration import ClientRegistry
from cio_desktop.oauth.session import OAuthTokenSource
from cio_desktop.oauth.signin import SignInHooks, SignInTarget, sign_in, sign_out
from cio_desktop.oauth.token_store import SessionRecord, TokenStore
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.secrets import SERVICE_NAME, SecretStore
from tests.oauth.conftest import scripted_user


@pytest.fixture
async def keyring_secrets(secret_service: Any, workspace_id: str) -> Any:
    store = SecretStore()
    yield store
    await store.delete_all(workspace_id)


async def _sign_in(
    secrets: SecretStore, owner: str, sandbox: ThreadedSandbox, registry: ClientRegistry
) -> SessionRecord:
    target = SignInTarget(issuer=sandbox.info.issuer_url)
    return await sign_in(secrets, owner, target, SignInHooks(opener=scripted_user()), registry=registry)


def _workspace(sandbox: ThreadedSandbox) -> Workspace:
    info = sandbox.info
    return Workspace(name="oauth", region=Region.US, track_url=info.track_url, app_url=info.app_url)


class _StopsAfter(SecretStore):
    """The real Secret Service, but the process 'dies' (an exception) before its ``n``-th write: the
    keyring is left exactly as a SIGKILL at that moment would leave it."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n

    async def set_item(self, workspace_id: str, name: str, value: str) -> None:
        self._tick()
        await super().set_item(workspace_id, name, value)

    async def set(self, workspace_id: str, kind: Any, value: str) -> None:
        self._tick()
        await super().set(workspace_id, kind, value)

    def _tick(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise KeyboardInterrupt("killed here")


async def test_a_save_stopped_at_any_write_leaves_a_whole_pair(
    keyring_secrets: SecretStore, workspace_id: str
) -> None:
    """Long tokens span several items; a kill between two of them must never leave a token made of an
    old and a new half (the refresh would send garbage and the user be signed out)."""
    record = SessionRecord(issuer="https://as.example", token_endpoint="https://as.example/t", client_id="c")
    pairs = [(f"{n}" * 2500 + "A", f"{n}" * 1300 + "R") for n in range(1, 8)]
    await TokenStore(keyring_secrets).save(workspace_id, record, *pairs[0])
    current = pairs[0]
    for n, new in enumerate(pairs[1:], start=1):  # stop after 0, 1, 2 ... writes (a save makes 6)
        with pytest.raises(KeyboardInterrupt):
            await TokenStore(_StopsAfter(n - 1)).save(workspace_id, record, *new)
        loaded = await TokenStore(keyring_secrets).load(workspace_id)
        assert loaded is not None
        assert (loaded.access_token, loaded.refresh_token) == current  # the switch was never reached
        await TokenStore(keyring_secrets).save(workspace_id, record, *new)  # then a whole save
        current = new
        loaded = await TokenStore(keyring_secrets).load(workspace_id)
        assert loaded is not None
        assert (loaded.access_token, loaded.refresh_token) == current


async def test_long_tokens_are_split_into_small_keyring_items(
    keyring_secrets: SecretStore, secret_service: Any, workspace_id: str
) -> None:
    store = TokenStore(keyring_secrets)
    record = SessionRecord(issuer="https://as.example", token_endpoint="https://as.example/t", client_id="c")
    access, refresh = "a" * 3000 + "Z", "r" * 1300
    saved = await store.save(workspace_id, record, access, refresh)
    assert (saved.access_parts, saved.refresh_parts) == (3, 2)
    items = {
        name: secret_service.get_password(SERVICE_NAME, f"{workspace_id}/{name}")
        for name in (
            "oauth_access_token",
            "oauth_access_token.2",
            "oauth_access_token.3",
            "oauth_refresh_token.2",
        )
    }
    assert all(v is not None and len(v) <= SECRET_PART_CHARS for v in items.values())
    loaded = await store.load(workspace_id)
    assert loaded is not None
    assert (loaded.access_token, loaded.refresh_token) == (access, refresh)
    # A shorter token later: the parts it no longer needs are deleted.
    await store.save(workspace_id, record, "short", "r2")
    assert secret_service.get_password(SERVICE_NAME, f"{workspace_id}/oauth_access_token.2") is None
    assert secret_service.get_password(SERVICE_NAME, f"{workspace_id}/oauth_refresh_token.2") is None
    # The sign-in record holds no token.
    raw = secret_service.get_password(SERVICE_NAME, f"{workspace_id}/oauth_session")
    assert "short" not in raw
    assert "r2" not in raw.replace('"r', "")
    await store.clear(workspace_id)
    assert await store.load(workspace_id) is None


@pytest.mark.slow
async def test_refresh_and_rotation_under_20_concurrent_calls(
    keyring_secrets: SecretStore,
    workspace_id: str,
    oauth_sandbox: ThreadedSandbox,
    registry: ClientRegistry,
    tmp_path: Path,
) -> None:
    oauth_sandbox.oauth(lambda s: setattr(s, "token_length", 2500))  # long, JWT-sized tokens
    await _sign_in(keyring_secrets, workspace_id, oauth_sandbox, registry)
    store = TokenStore(keyring_secrets)
    before = await store.load(workspace_id)
    assert before is not None
    assert before.refresh_token
    oauth_sandbox.oauth(lambda s: s.expire_access_tokens())  # the server says 401 from now on

    source = OAuthTokenSource(store, workspace_id)
    async with CioClient(_workspace(oauth_sandbox), Credentials(token=source)) as client:
        results = await asyncio.gather(*(client.app.find_by_email(f"p{i}@example.com") for i in range(20)))
    assert all(r.status == 200 for r in results)
    assert oauth_sandbox.oauth(lambda s: s.refresh_calls) == 1  # one refresh for all 20 calls
    after = await store.load(workspace_id)
    assert after is not None
    assert after.refresh_token != before.refresh_token  # rotated, and stored
    assert after.access_token == (await source.tokens()).access_token
    # The spent refresh token is dead at the server: only the stored one works.
    assert not oauth_sandbox.oauth(lambda s: before.refresh_token in s.refresh)
    assert oauth_sandbox.oauth(lambda s: after.refresh_token in s.refresh)


async def test_refresh_happens_before_expiry_and_keeps_the_old_refresh_token_when_none_comes(
    keyring_secrets: SecretStore, workspace_id: str, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    oauth_sandbox.oauth(lambda s: setattr(s, "rotate_refresh", False))
    record = await _sign_in(keyring_secrets, workspace_id, oauth_sandbox, registry)
    store = TokenStore(keyring_secrets)
    before = await store.load(workspace_id)
    assert before is not None
    assert record.expires_at is not None
    # 30 s before expiry: inside the 60 s margin, so the next call refreshes first.
    source = OAuthTokenSource(store, workspace_id, clock=lambda: record.expires_at - 30)  # type: ignore[operator]
    token = await source.access_token()
    assert token != before.access_token
    after = await store.load(workspace_id)
    assert after is not None
    assert after.refresh_token == before.refresh_token  # none returned: the old one is kept
    assert after.record.expires_at is not None
    assert after.record.expires_at > time.time() + 3000


async def test_invalid_grant_signs_out_without_a_loop(
    keyring_secrets: SecretStore, workspace_id: str, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    from cio_desktop.api import errors as E

    await _sign_in(keyring_secrets, workspace_id, oauth_sandbox, registry)
    oauth_sandbox.oauth(lambda s: (s.refresh.clear(), s.expire_access_tokens()))  # the grant is gone
    store = TokenStore(keyring_secrets)
    source = OAuthTokenSource(store, workspace_id)
    async with CioClient(_workspace(oauth_sandbox), Credentials(token=source)) as client:
        with pytest.raises(E.AuthError, match=r"sign-in was refused.*Sign in again"):
            await client.app.find_by_email("ada@example.com")
        with pytest.raises((E.AuthError, SignedOut)):
            await client.app.find_by_email("ada@example.com")
    assert oauth_sandbox.oauth(lambda s: s.refresh_calls) == 1  # tried once, then signed out
    assert await store.load(workspace_id) is None  # the dead tokens were deleted
    with pytest.raises(SignedOut, match="Sign in again"):
        await source.access_token()


async def test_sign_out_revokes_then_deletes(
    keyring_secrets: SecretStore, workspace_id: str, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    await _sign_in(keyring_secrets, workspace_id, oauth_sandbox, registry)
    tokens = await TokenStore(keyring_secrets).load(workspace_id)
    assert tokens is not None
    result = await sign_out(keyring_secrets, workspace_id)
    assert result.revoked is True
    assert "server revoked" in result.message
    assert await TokenStore(keyring_secrets).load(workspace_id) is None
    assert await keyring_secrets.get(workspace_id, SecretKind.OAUTH_SESSION) is None
    async with httpx.AsyncClient() as http:
        answer = await http.get(
            f"{oauth_sandbox.info.app_url}/v1/customers?email=a@example.com",
            headers={"Authorization": f"Bearer {tokens.access_token}"},
        )
    assert answer.status_code == 401
    again = await sign_out(keyring_secrets, workspace_id)
    assert not again.was_signed_in


async def test_sign_out_without_a_revocation_endpoint_says_so(
    keyring_secrets: SecretStore, workspace_id: str
) -> None:
    store = TokenStore(keyring_secrets)
    record = SessionRecord(issuer="https://as.example", token_endpoint="https://as.example/t", client_id="c")
    await store.save(workspace_id, record, "access", "refresh")
    result = await sign_out(keyring_secrets, workspace_id)
    assert result.revoked is None
    assert "offers no way to revoke" in result.message
    assert await store.load(workspace_id) is None


async def test_device_flow(
    memory_secrets: SecretStore, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    oauth_sandbox.oauth(lambda s: setattr(s, "device_interval", 1))
    shown: list[DeviceCode] = []
    approved = asyncio.Event()

    def show(code: DeviceCode) -> None:
        shown.append(code)

        async def user_approves() -> None:
            async with httpx.AsyncClient() as http:
                page = await http.get(code.verification_uri_complete or "")
                assert code.user_code in page.text
                answer = await http.post(
                    code.verification_uri, data={"user_code": code.user_code, "decision": "approve"}
                )
                assert answer.status_code == 200
            approved.set()

        tasks.append(asyncio.get_running_loop().create_task(user_approves()))

    tasks: list[asyncio.Task[None]] = []
    target = SignInTarget(issuer=oauth_sandbox.info.issuer_url, device=True)
    record = await sign_in(memory_secrets, "dev", target, SignInHooks(device_code=show), registry=registry)
    await asyncio.gather(*tasks)
    assert approved.is_set()
    assert shown[0].user_code
    assert record.client_id
    assert (await TokenStore(memory_secrets).load("dev")) is not None


async def test_device_flow_cancel(
    memory_secrets: SecretStore, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    from cio_desktop.oauth.errors import SignInCancelled

    cancelled = asyncio.Event()
    target = SignInTarget(issuer=oauth_sandbox.info.issuer_url, device=True)
    hooks = SignInHooks(device_code=lambda code: cancelled.set(), cancelled=cancelled)
    with pytest.raises(SignInCancelled):
        await sign_in(memory_secrets, "dev", target, hooks, registry=registry)


async def test_two_processes_share_the_rotated_tokens_instead_of_signing_out(
    keyring_secrets: SecretStore, workspace_id: str, oauth_sandbox: ThreadedSandbox, registry: ClientRegistry
) -> None:
    """The GUI and a CLI command hold the same sign-in: when one renews (rotating the refresh token), the
    other adopts the stored tokens instead of spending the old refresh token (which would sign out)."""
    await _sign_in(keyring_secrets, workspace_id, oauth_sandbox, registry)
    gui = OAuthTokenSource(TokenStore(keyring_secrets), workspace_id)
    cli = OAuthTokenSource(TokenStore(keyring_secrets), workspace_id)
    old = await gui.access_token()
    assert await cli.access_token() == old
    oauth_sandbox.oauth(lambda s: s.expire_access_tokens())
    renewed = await cli.after_unauthorized(old)  # the CLI renews first
    assert renewed is not None
    assert renewed != old
    assert await gui.after_unauthorized(old) == renewed  # the GUI adopts it: no second refresh
    assert oauth_sandbox.oauth(lambda s: s.refresh_calls) == 1
    assert await TokenStore(keyring_secrets).load(workspace_id) is not None  # still signed in
