"""The per-server context handlers share: workspace, options, faults, rate limiter, published info."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from cio_desktop.sandbox.faults import FaultSet
from cio_desktop.sandbox.limits import RateLimiter
from cio_desktop.sandbox.options import SandboxInfo, SandboxOptions
from cio_desktop.sandbox.state import Workspace


@dataclass
class Context:
    """Shared mutable state of one running sandbox (touched only on its event loop)."""

    ws: Workspace
    options: SandboxOptions
    limiter: RateLimiter
    faults: FaultSet = field(default_factory=FaultSet)
    info: SandboxInfo | None = None
    dirty: bool = False
    triggers: dict[str, float] = field(default_factory=dict)  # broadcast id -> last trigger (monotonic)

    def changed(self) -> None:
        """Mark the workspace as needing a save (when a state dir is used)."""
        self.dirty = True

    def region_url(self) -> str:
        return self.info.track_url if self.info else ""


CTX = web.AppKey("cio_sandbox_context", Context)


def ctx(request: web.Request) -> Context:
    return request.app[CTX]
