"""``cio-desktop workspace test NAME [--json]``: the key test of ``operations.key_check``, printed.

The wizard's Test step shows the same ``CheckReport`` with the same sentences. Exit status 0 when every
key the workspace has works, 1 otherwise. httpx and keyring load only when the command runs.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from cio_desktop.cli.common import open_services, run_async

if TYPE_CHECKING:
    from cio_desktop.operations.key_check import CheckReport, KeyCheck

# ``--json`` status of each KeyState (an interface: scripts read these words).
JSON_STATUS = {"works": "ok", "rejected": "failed", "not_checked": "failed", "not_given": "missing"}
MARKS = {"ok": "OK", "failed": "FAILED", "missing": "not set"}


def run_test(args: argparse.Namespace) -> int:
    """Test the keys of the workspace called ``args.name`` and print the verdicts."""
    before, report = run_async(_run(str(args.name)))
    if getattr(args, "json", False):
        from cio_desktop.cli.output import print_json

        print_json(
            {
                "workspace": report.workspace.name,
                "region": report.workspace.region.value,
                "region_detected": before.region != report.workspace.region,
                "workspace_id": report.workspace.workspace_id,
                "track": _check_json(report.track),
                "app": _check_json(report.app),
                "pipelines": _check_json(report.pipelines),
                "ok": report.all_given_work,
            }
        )
    else:
        _print_report(report)
    return 0 if report.all_given_work else 1


async def _run(name: str) -> tuple[Any, CheckReport]:
    async with open_services(network=True) as services:
        workspace = services.find_workspace(name)
        return workspace, await services.test_saved_keys(workspace)


def _check_json(check: KeyCheck) -> dict[str, Any]:
    out: dict[str, Any] = {"status": JSON_STATUS[check.state.value], "message": check.message}
    if check.detail:
        out["detail"] = check.detail
    return out


def _print_report(report: CheckReport) -> None:
    workspace = report.workspace
    print(f"Workspace '{workspace.name}' · region {workspace.region.value.upper()}")
    for label, check in (
        ("Track API", report.track),
        ("App API", report.app),
        ("Pipelines API", report.pipelines),
    ):
        print(f"  {label}: {MARKS[JSON_STATUS[check.state.value]]} — {check.message}")
        if check.detail:
            print(f"    technical detail: {check.detail}")
    if report.region_message:
        print(f"  {report.region_message}")
    if not any(c.state.value != "not_given" for c in report.checks()):
        print("  No keys are stored for this workspace: add them with 'cio-desktop workspace add'.")
