"""OAuth test helpers: a sandbox with its authorization server, a scripted "user agent" over HTTP for the
fast tests (the browser tests use real Chromium, see ``browser.py``), and a client registry per test.

The scripted user agent does what a browser does on the sandbox's consent page (load it, press Approve or
Deny, follow the redirect to the loopback address) with httpx, so flow tests run in well under a second;
``test_browser_signin.py`` proves the same with Chromium.
"""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from cio_desktop.oauth.registration import ClientRegistry
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.secrets import SecretStore
from tests.fixtures.sandbox import MakeSandbox

BROWSER_SCRIPT = f"{sys.executable} -m tests.oauth.browser %s"


@pytest.fixture
def oauth_sandbox(make_sandbox: MakeSandbox) -> ThreadedSandbox:
    return make_sandbox(rate_limit=None)


@pytest.fixture
def registry(tmp_path: Path) -> ClientRegistry:
    return ClientRegistry(tmp_path / "oauth-clients.json")


@pytest.fixture
def memory_secrets() -> SecretStore:
    """Secrets in memory: for flow tests whose subject is not the keyring (the keyring tests use it)."""
    return SecretStore(session_only=True)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


async def consent(http: httpx.AsyncClient, url: str, decision: str = "approve") -> str:
    """Load the consent page at ``url``, press ``decision``; the address the server redirects to."""
    page = await http.get(url)
    assert page.status_code == 200, page.text
    request_id = re.search(r'name="request" value="([^"]+)"', page.text)
    assert request_id is not None
    base = url.split("/oauth2/")[0]
    answer = await http.post(
        f"{base}/oauth2/authorize/decision", data={"request": request_id.group(1), "decision": decision}
    )
    assert answer.status_code == 302
    return answer.headers["Location"]


def scripted_user(decision: str = "approve") -> Callable[[str], Awaitable[bool]]:
    """An opener that plays the user and the browser over HTTP (consent, then the loopback redirect)."""

    async def opener(url: str) -> bool:
        async with httpx.AsyncClient(timeout=30) as http:
            location = await consent(http, url, decision)
            await http.get(location)
        return True

    return opener
