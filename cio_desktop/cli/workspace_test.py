"""``cio-desktop workspace test NAME [--json]``: check each credential, detect the region, say what works.

Helper A's ``workspace`` command calls ``run_test(args)``; httpx and keyring load only when it runs.
Exit code 0 when every key the workspace has works, 1 otherwise.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cio_desktop.api.client import CioClient


def run_test(args: argparse.Namespace) -> int:
    import asyncio

    return asyncio.run(_run(str(args.name), bool(getattr(args, "json", False))))


async def _check_track(client: CioClient) -> dict[str, Any]:
    from cio_desktop.api.errors import ApiError

    if not (client.credentials.track_api_key and client.workspace.site_id):
        return {
            "status": "missing",
            "message": "No Track site ID and API key are stored (sending data needs them).",
        }
    before = client.workspace.region
    try:
        info = await client.detect_region()
    except ApiError as exc:
        return _failed(exc)
    changed = before.value != "auto" and before != info.region
    message = f"The site ID and Track API key work (region {info.region.value.upper()}"
    message += f", workspace id {info.workspace_id})." if info.workspace_id is not None else ")."
    if changed:
        message += f" The workspace was set to {before.value.upper()}; it is now {info.region.value.upper()}."
    return {
        "status": "ok",
        "message": message,
        "region": info.region.value,
        "workspace_id": info.workspace_id,
    }


async def _check_app(client: CioClient) -> dict[str, Any]:
    from cio_desktop.api.errors import ApiError

    if not client.credentials.app_api_key:
        return {"status": "missing", "message": "No App API key is stored (looking people up needs one)."}
    try:
        result = await client.app.workspaces()
    except ApiError as exc:
        return _failed(exc)
    spaces = result.get("workspaces")
    count = len(spaces) if isinstance(spaces, list) else 0
    return {
        "status": "ok",
        "message": f"The App API key works ({count} workspace(s) visible).",
        "workspaces": count,
    }


def _failed(exc: Any) -> dict[str, Any]:
    from cio_desktop.cli.output import error_json

    return {"status": "failed", "message": exc.message, "error": error_json(exc)}


async def _run(name: str, as_json: bool) -> int:
    from cio_desktop.cli.common import fail
    from cio_desktop.cli.output import client_for, print_json
    from cio_desktop.errors import CioDesktopError

    try:
        async with client_for(name) as client:
            before = client.workspace
            track = await _check_track(client)
            app = await _check_app(client)
            after = client.workspace
    except CioDesktopError as exc:
        return fail(exc.message)
    checks = {"track": track, "app": app}
    configured = [c for c in checks.values() if c["status"] != "missing"]
    ok = bool(configured) and all(c["status"] == "ok" for c in configured)
    if as_json:
        print_json(
            {
                "workspace": after.name,
                "region": after.region.value,
                "region_detected": before.region != after.region,
                "workspace_id": after.workspace_id,
                "track": track,
                "app": app,
                "ok": ok,
            }
        )
    else:
        print(f"Workspace '{after.name}' · region {after.region.value.upper()}")
        for label, check in (("Track API", track), ("App API", app)):
            mark = {"ok": "OK", "failed": "FAILED", "missing": "not set"}[check["status"]]
            print(f"  {label}: {mark} — {check['message']}")
            detail = check.get("error", {}).get("detail")
            if detail:
                print(f"    technical detail: {detail}")
        if not configured:
            print("  No keys are stored for this workspace: add them with 'cio-desktop workspace add'.")
    return 0 if ok else 1
