"""``cio-desktop workspace keys NAME [--json]``: each stored key's age and whether it works.

Ages come from the workspace file (the day a key was added or last replaced), the verdicts from the key
test of ``operations.key_check``; nothing about a key's value is printed. Exit status 0 when every stored
key works, 1 otherwise (an old key that works is reported, not failed).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from cio_desktop.cli.common import open_services, run_async
from cio_desktop.cli.workspace_test import JSON_STATUS, MARKS

if TYPE_CHECKING:
    from cio_desktop.models import Workspace
    from cio_desktop.operations.key_check import CheckReport
    from cio_desktop.operations.key_hygiene import KeyAge


def run_keys(args: argparse.Namespace) -> int:
    """Print the ages and test results of the keys of the workspace called ``args.name``."""
    workspace, ages, report, max_age = run_async(_run(str(args.name)))
    results = {check.kind: check for check in report.checks()}
    if getattr(args, "json", False):
        from cio_desktop.cli.output import print_json

        keys: list[dict[str, Any]] = []
        for age in ages:
            entry = age.to_json()
            check = results.get(age.kind)
            if check is not None:
                entry["test"] = JSON_STATUS[check.state.value]
                entry["message"] = check.message
            keys.append(entry)
        print_json({"workspace": workspace.name, "max_age_days": max_age, "keys": keys})
    else:
        print(f"Keys of '{workspace.name}' (a badge after {max_age} days; change it in Settings)")
        for age in ages:
            check = results.get(age.kind)
            badge = f"  [older than {max_age} days: replace it]" if age.due else ""
            print(f"  {age.label}: {age.age_text}{badge}")
            if check is not None and age.stored:
                print(f"    test: {MARKS[JSON_STATUS[check.state.value]]} — {check.message}")
    stored = [age.kind for age in ages if age.stored]
    ok = bool(stored) and all(results[k].state.value == "works" for k in stored if k in results)
    return 0 if ok else 1


async def _run(name: str) -> tuple[Workspace, list[KeyAge], CheckReport, int]:
    async with open_services(network=True) as services:
        workspace = services.find_workspace(name)
        report = await services.test_saved_keys(workspace)
        ages = await services.key_ages(services.find_workspace(report.workspace.name))
        return workspace, ages, report, services.settings.key_age_days
