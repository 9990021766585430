"""Test a workspace's keys against Customer.io: which key works, and which region the workspace is in.

The one key test: the add-workspace wizard's Test step (``Services.check_credentials``, keys not saved
yet) and ``cio-desktop workspace test`` (``Services.test_saved_keys``) render the same ``CheckReport``.
Plain asyncio, no Qt; every call goes through the API client, so it is recorded (redacted) in the history.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from cio_desktop.models import Region, SecretKind, Workspace

if TYPE_CHECKING:
    from cio_desktop.api import CioClient, Credentials, NetworkSettings, RequestHistory
    from cio_desktop.api.regions import Endpoints


class KeyState(StrEnum):
    """The outcome for one key."""

    WORKS = "works"
    REJECTED = "rejected"
    NOT_CHECKED = "not_checked"  # Customer.io could not be reached, or it answered with an error
    NOT_GIVEN = "not_given"


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """One key's result: ``message`` in plain words; ``detail`` technical (no secret)."""

    kind: SecretKind
    state: KeyState
    message: str
    detail: str = ""


PIPELINES_NOT_GIVEN = KeyCheck(
    SecretKind.PIPELINES_KEY,
    KeyState.NOT_GIVEN,
    "No Pipelines API key given (optional: sending through the Pipelines API needs one).",
)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What the test found. ``workspace`` carries the detected region and workspace id."""

    workspace: Workspace
    track: KeyCheck
    app: KeyCheck
    region_message: str = ""
    pipelines: KeyCheck = PIPELINES_NOT_GIVEN

    @property
    def any_works(self) -> bool:
        return KeyState.WORKS in (c.state for c in self.checks())

    @property
    def any_rejected(self) -> bool:
        return KeyState.REJECTED in (c.state for c in self.checks())

    @property
    def reached(self) -> bool:
        """False when no key could be checked (network down, proxy, Customer.io outage)."""
        given = [c for c in self.checks() if c.state is not KeyState.NOT_GIVEN]
        return not given or any(c.state is not KeyState.NOT_CHECKED for c in given)

    @property
    def all_given_work(self) -> bool:
        """True when at least one key was given and every given key works (the CLI's exit status 0)."""
        given = [c for c in self.checks() if c.state is not KeyState.NOT_GIVEN]
        return bool(given) and all(c.state is KeyState.WORKS for c in given)

    def checks(self) -> tuple[KeyCheck, ...]:
        return (self.track, self.app, self.pipelines)


REGION_NAMES = {Region.US: "United States (US)", Region.EU: "European Union (EU)"}


async def check_credentials(
    workspace: Workspace,
    credentials: Credentials,
    *,
    history: RequestHistory | None = None,
    settings: NetworkSettings | None = None,
    hosts: Mapping[Region, Endpoints] | None = None,
) -> CheckReport:
    """Try each given key once; never raises for a rejected key or a network problem (the report says)."""
    from cio_desktop.api import CioClient, Credentials
    from cio_desktop.api.transport import ssl_context

    def client_for(ws: Workspace, only: Credentials) -> CioClient:
        return CioClient(ws, only, history=history, settings=settings, hosts=hosts)

    # Reading the OS trust store and CA files blocks: do it in a thread; the clients find it cached.
    await asyncio.to_thread(ssl_context, [p for p in (settings and settings.ca_file, workspace.ca_file) if p])

    chosen = workspace.region
    # One client per key, so a rejected Track key cannot spoil the App key's region probe.
    async with client_for(workspace, Credentials(track_api_key=credentials.track_api_key)) as client:
        track = await _check_track(client, workspace, credentials)
        found = client.workspace if track.state is KeyState.WORKS else workspace
    app_only = Credentials(app_api_key=credentials.app_api_key)
    async with client_for(found, app_only) as client:
        app, other_region_works = await _check_app(client, credentials)
        found = client.workspace
    if other_region_works and track.state is not KeyState.WORKS and found.region is not Region.AUTO:
        # Only the App key says where the workspace is: it works in the other region, so use that one.
        other = Region.EU if found.region is Region.US else Region.US
        async with client_for(found.replace(region=other), app_only) as client:
            retry, _ = await _check_app(client, credentials)
        if retry.state is KeyState.WORKS:
            app, found = retry, found.replace(region=other)
    pipelines = PIPELINES_NOT_GIVEN
    if credentials.pipelines_key:
        async with client_for(found, Credentials(pipelines_key=credentials.pipelines_key)) as client:
            pipelines = await _check_pipelines(client)
            if found.region is Region.AUTO and pipelines.state is KeyState.WORKS:
                found = found.replace(region=_key_region(credentials) or Region.AUTO)
    region_message = ""
    if found.region is not Region.AUTO and KeyState.WORKS in (track.state, app.state, pipelines.state):
        region_message = f"Region: {REGION_NAMES[found.region]}."
        if chosen not in (Region.AUTO, found.region):
            region_message = (
                f"You chose {chosen.value.upper()}, but Customer.io says this workspace is in the "
                f"{REGION_NAMES[found.region]} data centre, so the region was changed to "
                f"{found.region.value.upper()}."
            )
    return CheckReport(
        workspace=found, track=track, app=app, region_message=region_message, pipelines=pipelines
    )


async def _check_track(client: CioClient, workspace: Workspace, credentials: Credentials) -> KeyCheck:
    from cio_desktop.api import ApiError, AuthError

    kind = SecretKind.TRACK_API_KEY
    if not credentials.track_api_key:
        return KeyCheck(kind, KeyState.NOT_GIVEN, "No Track API key given (sending test events needs one).")
    if not workspace.site_id:
        return KeyCheck(kind, KeyState.NOT_GIVEN, "A Track API key needs its Site ID: paste both.")
    try:
        info = await client.detect_region()
    except AuthError as exc:
        return KeyCheck(kind, KeyState.REJECTED, exc.message, exc.detail)
    except ApiError as exc:
        return KeyCheck(kind, KeyState.NOT_CHECKED, f"Not tested. {exc.message}", exc.detail)
    where = f"region {info.region.value.upper()}"
    if info.workspace_id is not None:
        where += f", workspace id {info.workspace_id}"
    return KeyCheck(kind, KeyState.WORKS, f"The Site ID and Track API key work ({where}).")


async def _check_app(client: CioClient, credentials: Credentials) -> tuple[KeyCheck, bool | None]:
    """The App key's result, and whether it works in the other region (when it was rejected)."""
    from cio_desktop.api import ApiError, AuthError
    from cio_desktop.api.errors import WrongRegionError
    from cio_desktop.api.regions import has_override

    kind = SecretKind.APP_API_KEY
    if not credentials.app_api_key:
        return KeyCheck(kind, KeyState.NOT_GIVEN, "No App API key given (looking people up needs one)."), None
    try:
        await client.ensure_region()
        # With a custom App address the region cannot be probed, and need not be: test that address.
        if client.workspace.region is Region.AUTO and not has_override(client.workspace, "app"):
            message = (
                "The App API key was rejected in both regions. Check that you pasted an App API key "
                "(not a Track key) and that it has not been deleted."
            )
            return KeyCheck(kind, KeyState.REJECTED, message), False
        await client.app.workspaces()
    except AuthError as exc:
        return KeyCheck(kind, KeyState.REJECTED, exc.message, exc.detail), exc.other_region_works
    except WrongRegionError as exc:  # the host sent us to the other region
        return KeyCheck(kind, KeyState.NOT_CHECKED, exc.message, exc.detail), True
    except ApiError as exc:
        message = f"Not tested. {exc.message}"
        return KeyCheck(kind, KeyState.NOT_CHECKED, message, exc.detail), None
    return KeyCheck(kind, KeyState.WORKS, "The App API key works."), None


def _key_region(credentials: Credentials) -> Region | None:
    """The region a region-prefixed Pipelines key names (``pk_eu_…``), else None."""
    from cio_desktop.api.apis import pipelines_key_region

    return pipelines_key_region(credentials)


async def _check_pipelines(client: CioClient) -> KeyCheck:
    """A strict-mode empty batch (``PipelinesApi.check_key``): it stores nothing, and a wrong key is
    answered 401. The message says what was checked, since the Pipelines API has no read call."""
    from cio_desktop.api import ApiError, AuthError
    from cio_desktop.api.errors import ValidationError, WrongRegionError

    kind = SecretKind.PIPELINES_KEY
    checked = "a strict-mode call with an empty batch, which stores nothing"
    try:
        await client.pipelines.check_key()
    except AuthError as exc:
        return KeyCheck(kind, KeyState.REJECTED, f"{exc.message} (checked with {checked}).", exc.detail)
    except WrongRegionError as exc:  # a pk_eu_/sk_us_ key for the other region's host: never sent
        return KeyCheck(kind, KeyState.REJECTED, exc.message, exc.detail)
    except ValidationError as exc:
        # Strict mode checks the key before the content: a 400 about the empty batch means the key passed.
        if exc.status == 400:
            message = f"The Pipelines API key was accepted ({checked}; it was refused only for being empty)."
            return KeyCheck(kind, KeyState.WORKS, message, exc.detail)
        return KeyCheck(kind, KeyState.NOT_CHECKED, f"Not tested. {exc.message}", exc.detail)
    except ApiError as exc:
        return KeyCheck(kind, KeyState.NOT_CHECKED, f"Not tested. {exc.message}", exc.detail)
    where = client.workspace.region
    region = f" in the {where.value.upper()} region" if where is not Region.AUTO else ""
    return KeyCheck(kind, KeyState.WORKS, f"The Pipelines API key works{region} (checked with {checked}).")
