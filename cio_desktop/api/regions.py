"""Which hosts a workspace talks to: the region decides every host, an endpoint override wins over it.

The hosts themselves are in each API's descriptor (``cio_desktop.api.apis``). Track paths start with
``/api/v1`` or ``/api/v2``, App and Pipelines paths with ``/v1``, so a base is scheme://host[:port][/prefix].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cio_desktop.api.apis import API_SPECS, spec_for
from cio_desktop.models import Region, Workspace

_FIELDS = ("track", "app", "pipelines")  # the APIs a workspace's region decides (the account API's does not)


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Base URLs (no trailing slash) of each API in one region; ``base(name)`` reads one by API name."""

    track: str
    app: str
    pipelines: str = ""

    def base(self, api: str) -> str:
        return str(getattr(self, api))


DEFAULT_HOSTS: Mapping[Region, Endpoints] = {
    region: Endpoints(**{name: API_SPECS[name].hosts[region] for name in _FIELDS if name in API_SPECS})
    for region in (Region.US, Region.EU)
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


def endpoints_for(
    workspace: Workspace, region: Region | None = None, *, hosts: Mapping[Region, Endpoints] | None = None
) -> Endpoints:
    """The bases for ``workspace`` in ``region`` (default: its own). Overrides in the workspace win."""
    table = hosts or DEFAULT_HOSTS
    chosen = effective_region(region or workspace.region)
    per_api: dict[str, str] = {}
    for name in _FIELDS:
        spec = API_SPECS.get(name)
        if spec is not None:
            region_hosts = {r: e.base(name) or DEFAULT_HOSTS[r].base(name) for r, e in table.items()}
            per_api[name] = spec.base_for(workspace, chosen, region_hosts)
    return Endpoints(**per_api)


def has_override(workspace: Workspace, api: str) -> bool:
    """True if the workspace pins this API's host (then the other region cannot be probed)."""
    return spec_for(api).has_override(workspace)


def parse_region(value: object) -> Region | None:
    """``"us"``/``"eu"`` (any case) to a Region; anything else to None."""
    text = str(value or "").strip().lower()
    return Region.US if text == "us" else Region.EU if text == "eu" else None
