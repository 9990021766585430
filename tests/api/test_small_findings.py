"""The smaller attacker findings: a wrong-region message that told the user to change US to US, a
hostname mismatch reported as an untrusted issuer, and CLI errors offering "keep secrets for this session
only", which a command cannot do. (The settings file moved aside without a word by ``history`` is in
tests/test_config_files_hostile.py.)"""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
import trustme

from cio_desktop.api.errors import TlsError, WrongRegionError, wrong_region_message
from cio_desktop.models import Region, Workspace
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.workspaces import WorkspaceStore
from tests.api.cli_helpers import run_cli
from tests.api.conftest import MakeClient, workspace_for
from tests.fixtures.keyring import PlaintextMemoryKeyring
from tests.fixtures.recorder import Recorder, http_reply


def test_wrong_region_message_never_says_change_us_to_us() -> None:
    same = wrong_region_message("us", "us")
    assert "but the workspace is set to US" not in same
    assert "Change its region to US" not in same
    assert "custom Track and App addresses" in same
    assert "is in the EU region, but the workspace is set to US" in wrong_region_message("us", "eu")


async def test_a_redirect_when_the_region_is_right_is_explained(
    sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    moved = b"HTTP/1.1 301 Moved\r\nLocation: https://elsewhere.invalid/\r\nContent-Length: 0\r\n\r\n"
    async with Recorder("127.0.0.1", reply=moved) as redirecting:
        ws = workspace_for(sandbox, region=Region.US, app_url=redirecting.url)  # Track: the real sandbox
        client = make_client(sandbox, workspace=ws)
        with pytest.raises(WrongRegionError) as caught:
            await client.app.attributes("x")
    message = caught.value.message
    assert "set to US, the region its data is in" in message
    assert "Change its region" not in message


async def test_a_hostname_mismatch_is_not_called_an_untrusted_issuer(
    tmp_path: Path, sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    ca = trustme.CA(organization_name="cio-desktop test CA")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("other.example").configure_cert(server_ctx)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    async with Recorder("127.0.0.1", reply=http_reply("200 OK", b"{}"), tls=server_ctx) as wrong_name:
        ws = workspace_for(sandbox, region=Region.US, app_url=wrong_name.url, ca_file=str(ca_file))
        client = make_client(sandbox, workspace=ws)
        with pytest.raises(TlsError) as caught:
            await client.app.attributes("x")
    message = caught.value.message
    assert "made out for a different name" in message, caught.value.detail
    assert "does not trust" not in message
    assert caught.value.issuer is None


def test_cli_errors_do_not_offer_session_only_keys(
    capsys: pytest.CaptureFixture[str], plaintext_keyring: PlaintextMemoryKeyring
) -> None:
    WorkspaceStore().add(Workspace(name="NoKeyring"))
    code, _, err = run_cli(capsys, "lookup", "NoKeyring", "--id", "x")
    assert code == 1
    assert "this session only" not in err
    assert "command line stores and reads keys only in a secure system keyring" in err
