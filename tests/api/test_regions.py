"""Region routing: every host follows the workspace's region, ``auto`` is detected and stored, overrides
win, and a 401 says whether the key works in the other region.

The sandbox plays one region on its main port and the other region on a second port, so routing is
tested over real sockets by pointing the region → host table at those two ports. Only the first test
(the built-in table of real Customer.io host names) uses an httpx MockTransport: those hosts must not
be contacted from tests (no network), and no local server can answer for their names.
"""

from __future__ import annotations

import httpx
import pytest

from cio_desktop.api.client import CioClient
from cio_desktop.api.errors import AuthError, WrongRegionError
from cio_desktop.api.models import Credentials
from cio_desktop.api.regions import Endpoints, endpoints_for
from cio_desktop.models import Region, Workspace
from cio_desktop.sandbox import ThreadedSandbox
from cio_desktop.sandbox.demo import WELL_KNOWN
from tests.api.conftest import MakeClient, credentials_for, workspace_for
from tests.fixtures.sandbox import MakeSandbox


def _faces(sb: ThreadedSandbox) -> dict[Region, Endpoints]:
    """Region → host table where the sandbox's own region is its main port, the other its second port."""
    main = Endpoints(track=sb.info.track_url, app=sb.info.app_url)
    other = Endpoints(track=sb.info.track_url_other, app=sb.info.app_url_other)
    return {Region(sb.info.region): main, Region(sb.info.other_region): other}


@pytest.mark.parametrize(
    ("region", "track_host", "app_host"),
    [
        (Region.US, "track.customer.io", "api.customer.io"),
        (Region.EU, "track-eu.customer.io", "api-eu.customer.io"),
    ],
)
async def test_every_call_uses_the_regions_hosts(region: Region, track_host: str, app_host: str) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.scheme}://{request.url.host}{request.url.path}")
        return httpx.Response(200, json={"customer": {}})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    ws = Workspace(name="Real", region=region, site_id="site")
    async with CioClient(ws, Credentials("tk-123456", "ak-123456"), http=http) as client:
        await client.track.identify("p1", {"a": 1})
        await client.track.event("p1", "e")
        await client.track.batch([{"type": "person", "action": "delete", "identifiers": {"id": "p1"}}])
        await client.app.attributes("p1")
        await client.app.send_email({"to": "x@example.com", "identifiers": {"id": "p1"}})
    assert seen == [
        f"https://{track_host}/api/v1/customers/p1",
        f"https://{track_host}/api/v1/customers/p1/events",
        f"https://{track_host}/api/v2/batch",
        f"https://{app_host}/v1/customers/p1/attributes",
        f"https://{app_host}/v1/send/email",
    ]


def test_overrides_win_over_the_region() -> None:
    ws = Workspace(
        name="Proxy", region=Region.EU, track_url="https://t.example.com/", app_url="https://a.example.com"
    )
    assert endpoints_for(ws) == Endpoints(
        track="https://t.example.com", app="https://a.example.com", pipelines="https://cdp-eu.customer.io"
    )
    assert endpoints_for(ws.replace(app_url=None)).app == "https://api-eu.customer.io"


async def test_auto_region_is_detected_and_stored(make_sandbox: MakeSandbox, make_client: MakeClient) -> None:
    sb = make_sandbox(region="eu")
    changed: list[Workspace] = []
    ws = workspace_for(sb, region=Region.AUTO, track_url=None, app_url=None)
    client = make_client(sb, workspace=ws, hosts=_faces(sb), on_workspace_changed=changed.append)

    result = await client.app.attributes(WELL_KNOWN["customer_id"])

    assert client.region is Region.EU
    assert client.workspace.workspace_id == sb.info.workspace_id
    assert [w.region for w in changed] == [Region.EU]
    assert result.exchange.url.startswith(sb.info.app_url)  # the EU host, i.e. the main face
    assert client.history is not None
    lookup = client.history.records()[0]
    assert lookup.operation == "Region lookup"
    assert lookup.url.startswith(
        sb.info.track_url_other
    )  # asked the US host first: it answers for any region


async def test_app_only_workspace_probes_for_its_region(
    make_sandbox: MakeSandbox, make_client: MakeClient
) -> None:
    sb = make_sandbox(region="eu", wrong_region="401")
    ws = workspace_for(sb, region=Region.AUTO, track_url=None, app_url=None)
    client = make_client(
        sb, workspace=ws, credentials=credentials_for(sb, track_api_key=None), hosts=_faces(sb)
    )
    await client.app.segments(WELL_KNOWN["customer_id"])
    assert client.region is Region.EU


async def test_401_says_the_key_works_in_the_other_region(
    make_sandbox: MakeSandbox, make_client: MakeClient
) -> None:
    sb = make_sandbox(region="eu", wrong_region="401")
    ws = workspace_for(sb, region=Region.US, track_url=None, app_url=None)
    client = make_client(sb, workspace=ws, hosts=_faces(sb))

    with pytest.raises(AuthError) as caught:
        await client.app.attributes(WELL_KNOWN["customer_id"])
    assert caught.value.other_region_works is True
    assert caught.value.status == 401
    assert "App API key was rejected" in caught.value.message
    assert "work in the EU region" in caught.value.message

    with pytest.raises(AuthError) as caught:
        await client.track.identify("someone", {"a": 1})
    assert caught.value.other_region_works is True
    assert "Track site ID and API key were rejected" in caught.value.message


async def test_401_with_a_bad_key_says_it_works_nowhere(
    make_sandbox: MakeSandbox, make_client: MakeClient
) -> None:
    sb = make_sandbox(region="us", wrong_region="401")
    ws = workspace_for(sb, region=Region.US, track_url=None, app_url=None)
    client = make_client(
        sb, workspace=ws, credentials=credentials_for(sb, app_api_key="wrong-key-1"), hosts=_faces(sb)
    )
    with pytest.raises(AuthError) as caught:
        await client.app.workspaces()
    assert caught.value.other_region_works is False
    assert "not accepted in either region" in caught.value.message
    assert "App API key" in caught.value.message


async def test_401_with_an_override_does_not_guess(sandbox: ThreadedSandbox, make_client: MakeClient) -> None:
    client = make_client(sandbox, credentials=credentials_for(sandbox, app_api_key="wrong-key-2"))
    with pytest.raises(AuthError) as caught:
        await client.app.workspaces()
    assert caught.value.other_region_works is None
    assert "not a Track key" in caught.value.message
    assert len(client.history.records()) == 1  # type: ignore[union-attr]  # no probe of another host


async def test_redirect_to_the_other_region_names_the_right_one(
    make_sandbox: MakeSandbox, make_client: MakeClient
) -> None:
    sb = make_sandbox(region="eu", wrong_region="redirect")
    ws = workspace_for(sb, region=Region.US, track_url=None, app_url=None)
    client = make_client(sb, workspace=ws, hosts=_faces(sb))
    with pytest.raises(WrongRegionError) as caught:
        await client.track.identify("someone", {"a": 1})
    assert caught.value.correct_region == "eu"
    assert caught.value.status == 307
    assert "data is in the EU region" in caught.value.message
    assert sb.inspect(lambda w: w.by_id("someone")) is None  # nothing was sent through the other region


async def test_a_bad_track_key_does_not_block_app_calls(
    sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    ws = workspace_for(sandbox, region=Region.AUTO)
    client = make_client(
        sandbox, workspace=ws, credentials=credentials_for(sandbox, track_api_key="bad-track-1")
    )
    result = await client.app.attributes(WELL_KNOWN["customer_id"])  # detection fails, the lookup still works
    assert result.status == 200
    with pytest.raises(AuthError) as caught:
        await client.track.identify("x", {"a": 1})
    assert caught.value.api == "track"


async def test_detection_with_a_bad_track_key_says_it_works_nowhere(
    sandbox: ThreadedSandbox, make_client: MakeClient
) -> None:
    ws = workspace_for(sandbox, region=Region.AUTO, track_url=None, app_url=None)
    creds = credentials_for(sandbox, track_api_key="bad-track-2", app_api_key=None)
    client = make_client(sandbox, workspace=ws, credentials=creds, hosts=_faces(sandbox))
    with pytest.raises(AuthError) as caught:
        await client.track.event("x", "y")
    assert caught.value.other_region_works is False
    assert "not accepted in either region" in caught.value.message
    assert client.region is Region.AUTO
    assert [r.operation for r in client.history.records()] == ["Region lookup", "Region lookup"]  # type: ignore[union-attr]


async def test_an_app_call_does_not_blame_an_unreachable_track_host(
    make_sandbox: MakeSandbox, make_client: MakeClient, closed_port: int
) -> None:
    """Issue 12: a lookup (an App API read) failed with "Could not connect to <the Track host>" because the
    region check of an ``auto`` workspace asks the Track API first. The App probe takes over instead."""
    sb = make_sandbox(region="us")
    down = f"http://127.0.0.1:{closed_port}"
    hosts = {
        Region.US: Endpoints(track=down, app=sb.info.app_url),
        Region.EU: Endpoints(track=down, app=sb.info.app_url_other),
    }
    ws = workspace_for(sb, region=Region.AUTO, track_url=None, app_url=None)
    client = make_client(sb, workspace=ws, hosts=hosts)
    result = await client.app.attributes(WELL_KNOWN["customer_id"])
    assert result.status == 200
    assert client.region is Region.US
