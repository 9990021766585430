"""``cio-desktop lookup NAME (--id ID | --email EMAIL | --cio-id CIO_ID) [--json]``: show one person.

Prints the person's identifiers, attributes, devices, segments and latest activities (App API key
needed), as found by ``operations.lookup`` (the lookup panel's code). An email several people share
lists them and exits with status 1; an ID that is not found but looks like a cio_id is tried as one.
httpx and keyring are imported only when the command runs.
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
    from cio_desktop.cli.common import run_async

    return run_async(_run(args))


def _query(args: argparse.Namespace) -> Any:
    from cio_desktop.lookup_query import IdentifierKind, build_query

    if args.email:
        return build_query(args.email, IdentifierKind.EMAIL)
    if args.cio_id:
        return build_query(args.cio_id, IdentifierKind.CIO_ID)
    return build_query(args.person_id, IdentifierKind.ID)


async def _run(args: argparse.Namespace) -> int:
    from cio_desktop.api.errors import ApiError
    from cio_desktop.cli.common import fail, open_services, warn
    from cio_desktop.cli.output import print_json, report_error
    from cio_desktop.errors import CioDesktopError
    from cio_desktop.operations.lookup import NoMatch, SeveralMatches, look_up

    query = _query(args)
    if query is None:
        return fail("give the person's ID, email or cio_id (it was empty).")
    try:
        async with open_services(network=True) as services:
            client = await services.client_for(services.find_workspace(args.name))
            found = await look_up(client, query, try_cio_id=True, activity_limit=args.activities)
    except ApiError as exc:
        return report_error(exc, as_json=args.json)
    except CioDesktopError as exc:
        return fail(exc.message)
    if isinstance(found, NoMatch):
        return _no_match(found, as_json=args.json)
    if isinstance(found, SeveralMatches):
        return _several(found, as_json=args.json)
    if args.json:
        print_json({"ok": True, "person": found.to_json_dict()})
    else:
        _print_person(found)
    for section, problem in found.problems.items():
        warn(f"the {section} could not be read: {problem.message}")
    return 0


def _no_match(outcome: Any, *, as_json: bool) -> int:
    from cio_desktop.cli.common import fail
    from cio_desktop.cli.output import print_json

    what = {"id": "ID", "email": "email address", "cio_id": "cio_id"}[outcome.query.kind.value]
    message = f"Nothing was found: nobody in this workspace has the {what} '{outcome.query.value}'."
    if as_json:
        print_json({"ok": False, "error": {"kind": "NotFoundError", "message": message}})
    return fail(message)


def _several(outcome: Any, *, as_json: bool) -> int:
    """Several people share the email: list them (stdout) and say how to pick one (stderr); status 1."""
    from cio_desktop.cli.common import fail
    from cio_desktop.cli.output import print_json

    people = [{"cio_id": m.cio_id, "id": m.id, "email": m.email} for m in outcome.matches]
    if as_json:
        print_json({"ok": False, "several": True, "matches": people})
    else:
        for person in people:
            print(f"--cio-id {person['cio_id']}  id={person['id'] or '-'}  email={person['email'] or '-'}")
    return fail(
        f"{len(people)} people share this email; look one of them up with --cio-id "
        f"(or --id), for example: cio-desktop lookup NAME --cio-id {people[0]['cio_id']}"
    )


def _print_person(found: Any) -> None:
    from datetime import datetime

    from cio_desktop.lookup_query import display_value

    ids = found.identifiers
    activities = found.activities.items
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
    print(f"Latest activities ({len(activities)}):")
    for act in activities:
        ts = act.get("timestamp")
        when = (
            datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M") if isinstance(ts, int) else "?"
        )
        label = act.get("name") or act.get("url") or ""
        print(f"  {when}  {act.get('type')}  {label}".rstrip())
