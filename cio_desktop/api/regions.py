"""Which hosts a workspace talks to: the region decides every host, an endpoint override wins over it.

US: ``https://track.customer.io`` + ``https://api.customer.io``; EU: ``track-eu`` + ``api-eu``. Track paths
start with ``/api/v1`` or ``/api/v2``, App paths with ``/v1``, so a base is scheme://host[:port][/prefix].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cio_desktop.models import Region, Workspace


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Base URLs (no trailing slash) of the Track and App APIs."""

    track: str
    app: str


DEFAULT_HOSTS: Mapping[Region, Endpoints] = {
    Region.US: Endpoints(track="https://track.customer.io", app="https://api.customer.io"),
    Region.EU: Endpoints(track="https://track-eu.customer.io", app="https://api-eu.customer.io"),
}


@dataclass(frozen=True, slots=True)
class RegionInfo:
    """What ``GET /api/v1/accounts/region`` said: region, the workspace (environment) id and Track URL."""

    region: Region
    workspace_id: int | None
    url: str | None


def other_region(region: Region) -> Region:
    """EU for US and US for EU (AUTO counts as US, the default data centre)."""
    return Region.US if region is Region.EU else Region.EU


def effective_region(region: Region) -> Region:
    """The region used for hosts while ``AUTO`` is not resolved yet: US."""
    return Region.US if region is Region.AUTO else region


def _clean(url: str) -> str:
    return url.strip().rstrip("/")


def endpoints_for(
    workspace: Workspace, region: Region | None = None, *, hosts: Mapping[Region, Endpoints] | None = None
) -> Endpoints:
    """The bases for ``workspace`` in ``region`` (default: its own). Overrides in the workspace win."""
    table = hosts or DEFAULT_HOSTS
    base = table[effective_region(region or workspace.region)]
    return Endpoints(
        track=_clean(workspace.track_url) if workspace.track_url else _clean(base.track),
        app=_clean(workspace.app_url) if workspace.app_url else _clean(base.app),
    )


def has_override(workspace: Workspace, api: str) -> bool:
    """True if the workspace pins this API's host (then the other region cannot be probed)."""
    return bool(workspace.track_url if api == "track" else workspace.app_url)


def parse_region(value: object) -> Region | None:
    """``"us"``/``"eu"`` (any case) to a Region; anything else to None."""
    text = str(value or "").strip().lower()
    return Region.US if text == "us" else Region.EU if text == "eu" else None
