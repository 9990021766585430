"""Each Customer.io API described as data: hosts per region, the workspace field that overrides them, how
calls authenticate, the rate limit, the label the history shows, and how a rejected key is explained.

The engine and the client read these descriptors instead of branching on the API's name, so another API
(Pipelines, the account-level service) is one more ``ApiSpec`` and the auth it needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cio_desktop.api import errors as E
from cio_desktop.api.auth import AuthStrategy, BasicAuth, BearerKey, BearerToken, check_key_text
from cio_desktop.api.models import Credentials
from cio_desktop.models import Region, SecretKind, Workspace

AuthFactory = Callable[[Workspace, Credentials], AuthStrategy]
KeyRegion = Callable[[Credentials], Region | None]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``max_calls`` in flight per ``period_s`` for one key (Customer.io's published limit)."""

    max_calls: int
    period_s: float


@dataclass(frozen=True, slots=True)
class ApiSpec:
    """One API: ``name`` is the key used in the history and the host table (``"track"``, ``"app"``)."""

    name: str
    label: str
    hosts: Mapping[Region, str]
    override_field: str
    kinds: tuple[SecretKind, ...]
    auth: AuthFactory
    rate_limit: RateLimit | None
    check_path: str  # a cheap authenticated GET that proves a key works (used to probe the other region)
    rejected: str  # what to say when the key is refused
    rejected_hint: str
    key_region: KeyRegion | None = None  # keys that name their own region (Pipelines' pk_us_… and friends)

    def base_for(self, workspace: Workspace, region: Region, hosts: Mapping[Region, str] | None) -> str:
        """The base URL (no trailing slash): the workspace's override, else the region's host."""
        override = getattr(workspace, self.override_field, None)
        if isinstance(override, str) and override.strip():
            return override.strip().rstrip("/")
        table = hosts or self.hosts
        return table[Region.US if region is Region.AUTO else region].strip().rstrip("/")

    def has_override(self, workspace: Workspace) -> bool:
        """True if the workspace pins this API's host (then the other region cannot be probed)."""
        return bool(getattr(workspace, self.override_field, None))


def _track_auth(workspace: Workspace, credentials: Credentials) -> AuthStrategy:
    key = credentials.track_api_key
    if not key or not workspace.site_id:
        raise E.MissingCredentialsError(
            "This workspace has no Track site ID and API key, which sending data needs. "
            "Add them in the workspace's settings.",
            detail="track credentials missing",
        )
    check_key_text(key, "Track API key")
    check_key_text(workspace.site_id, "site ID")
    return BasicAuth(workspace.site_id, key)


def _app_auth(workspace: Workspace, credentials: Credentials) -> AuthStrategy:
    key = credentials.app_api_key
    if key:
        check_key_text(key, "App API key")
        return BearerKey(key)
    if credentials.token is not None:
        return BearerToken(credentials.token)
    raise E.MissingCredentialsError(
        "This workspace has no App API key, which looking people up needs. "
        "Add one in the workspace's settings, or sign in with OAuth.",
        detail="app credentials missing",
    )


TRACK = ApiSpec(
    name="track",
    label="Track API",
    hosts={Region.US: "https://track.customer.io", Region.EU: "https://track-eu.customer.io"},
    override_field="track_url",
    kinds=(SecretKind.TRACK_API_KEY,),
    auth=_track_auth,
    rate_limit=None,
    check_path="/api/v1/accounts/region",
    rejected="The Track site ID and API key were rejected.",
    rejected_hint="Check that you pasted the Track API key (not an App API key) together with its site ID",
)

APP = ApiSpec(
    name="app",
    label="App API",
    hosts={Region.US: "https://api.customer.io", Region.EU: "https://api-eu.customer.io"},
    override_field="app_url",
    kinds=(SecretKind.APP_API_KEY,),
    auth=_app_auth,
    rate_limit=RateLimit(max_calls=10, period_s=1.0),
    check_path="/v1/workspaces",
    rejected="The App API key was rejected.",
    rejected_hint="Check that you pasted an App API key, not a Track key",
)

PREFIXED_KEY = re.compile(r"^(pk|sk)_(us|eu)_")


def pipelines_key_region(credentials: Credentials) -> Region | None:
    """The region a region-prefixed Pipelines key names (``pk_us_…``, ``sk_eu_…``), else None."""
    match = PREFIXED_KEY.match(credentials.pipelines_key or "")
    return Region(match.group(2)) if match else None


def _pipelines_auth(workspace: Workspace, credentials: Credentials) -> AuthStrategy:
    key = credentials.pipelines_key
    if not key:
        raise E.MissingCredentialsError(
            "This workspace has no Pipelines API key (a source's write key), which sending through the "
            "Pipelines API needs. Add one in the workspace's settings.",
            detail="pipelines credentials missing",
        )
    check_key_text(key, "Pipelines API key")
    if PREFIXED_KEY.match(key):
        return BearerKey(key)  # the newer region-prefixed API keys
    return BasicAuth(key, "")  # a source's classic write key: the key as user name, no password


PIPELINES = ApiSpec(
    name="pipelines",
    label="Pipelines API",
    hosts={Region.US: "https://cdp.customer.io", Region.EU: "https://cdp-eu.customer.io"},
    override_field="pipelines_url",
    kinds=(SecretKind.PIPELINES_KEY,),
    auth=_pipelines_auth,
    rate_limit=RateLimit(max_calls=3000, period_s=3.0),
    check_path="",  # no read endpoint: a key is tested by a strict-mode call
    rejected="The Pipelines API key was rejected.",
    rejected_hint="Check that you pasted the source's write key (or a Pipelines API key), not a Track key",
    key_region=pipelines_key_region,
)

API_SPECS: dict[str, ApiSpec] = {spec.name: spec for spec in (TRACK, APP, PIPELINES)}


def register(spec: ApiSpec) -> ApiSpec:
    """Add an API (the module that defines it calls this once, at import)."""
    API_SPECS[spec.name] = spec
    return spec


def spec_for(name: str) -> ApiSpec:
    """The descriptor named ``name`` (``KeyError`` for an unknown API: a programming error)."""
    return API_SPECS[name]
