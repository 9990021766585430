"""``cio-desktop lookup NAME (--id ID | --email EMAIL | --cio-id CIO_ID) [--json]``: show one person.

Prints the person's identifiers, attributes, devices, segments and latest activities (App API key
needed). httpx and keyring are imported only when the command runs.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``lookup`` sub-command to ``sub``."""
    parser = sub.add_parser(
        "lookup",
        help="show a person: attributes, devices, segments and latest activities",
        description="Look a person up in a workspace with its App API key.",
    )
    parser.add_argument("name", metavar="NAME", help="the workspace name")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--id", dest="person_id", metavar="ID", help="the person's ID")
    who.add_argument("--email", metavar="EMAIL", help="the person's email address")
    who.add_argument("--cio-id", metavar="CIO_ID", help="the person's cio ID (with or without cio_)")
    parser.add_argument("--activities", type=int, default=10, metavar="N", help="how many activities (1-100)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    from cio_desktop.api.cli_support import client_for, print_json, report_error
    from cio_desktop.api.errors import ApiError
    from cio_desktop.api.lookup import AmbiguousEmailError, lookup_person
    from cio_desktop.cli.common import fail
    from cio_desktop.errors import CioDesktopError

    try:
        async with client_for(args.name) as client:
            found = await lookup_person(
                client, id=args.person_id, email=args.email, cio_id=args.cio_id, activities=args.activities
            )
    except AmbiguousEmailError as exc:
        code = report_error(exc, as_json=args.json)
        if not args.json:
            import sys

            for match in exc.matches:
                print(f"  id={match.get('id')}  cio_id={match.get('cio_id')}", file=sys.stderr)
        return code
    except ApiError as exc:
        return report_error(exc, as_json=args.json)
    except CioDesktopError as exc:
        return fail(exc.message)
    if args.json:
        print_json({"ok": True, "person": found.to_json_dict()})
        return 0
    _print_person(found)
    return 0


def _print_person(found: Any) -> None:
    from datetime import datetime

    from cio_desktop.lookup_query import display_value

    ids = found.identifiers
    print(f"Person  id={ids.get('id')}  email={ids.get('email')}  cio_id={ids.get('cio_id')}")
    if found.customer.get("unsubscribed"):
        print("  Unsubscribed from all messages")
    print("Attributes:")
    for key in sorted(found.attributes):
        print(f"  {key}: {display_value(found.attributes[key])}")
    print(f"Devices ({len(found.devices)}):")
    for device in found.devices:
        print(
            f"  {device.get('platform', '?')}  {device.get('id')}  last used {device.get('last_used', '-')}"
        )
    print(f"Segments ({len(found.segments)}):")
    for seg in found.segments:
        print(f"  {seg.get('id')}  {seg.get('name')}")
    print(f"Latest activities ({len(found.activities)}):")
    for act in found.activities:
        ts = act.get("timestamp")
        when = (
            datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M") if isinstance(ts, int) else "?"
        )
        label = act.get("name") or act.get("url") or ""
        print(f"  {when}  {act.get('type')}  {label}".rstrip())
