"""``cio-desktop send NAME --api pipelines identify|track|page|screen|group|alias|batch ...``.

The flags mean what they mean for the Track API: ``--customer`` is the userId, ``--anonymous-id`` the
anonymousId, ``--name`` the event (track) or the page/screen name, ``--data`` the traits (identify, group),
properties (track, page, screen) or the batch's calls; ``--group-id``, ``--previous-id`` and ``--context``
are Pipelines' own. Building, checking, sending and verifying are ``operations.pipelines_send``; this
module parses and prints.
"""

from __future__ import annotations

import argparse
from typing import Any

KINDS = ("identify", "track", "page", "screen", "group", "alias", "batch")


def check_args(args: argparse.Namespace) -> str | None:
    """What is wrong with the flags for a Pipelines call, in words (None when they are fine)."""
    if args.kind not in KINDS:
        return f"'send {args.kind}' is a Track API call; with --api pipelines send one of {', '.join(KINDS)}."
    if args.id_type != "id":
        return "--id-type is for the Track API; a Pipelines userId is always an id (use --customer)."
    if args.kind == "batch":
        if not (args.data or args.data_file):
            return "'send batch' needs --data or --data-file with a list of calls, each with its \"type\"."
    elif args.kind == "alias":
        if not (args.customer and args.previous_id):
            return "'send alias' needs --customer (the new userId) and --previous-id (the id it had before)."
        if args.data or args.data_file:
            return "'send alias' takes no --data (an alias has no traits or properties)."
    elif not (args.customer or args.anonymous_id):
        return f"'send {args.kind}' needs --customer (the userId) or --anonymous-id."
    if args.kind == "track" and not args.event_name:
        return "'send track' needs --name (the event name)."
    if args.kind == "group" and not args.group_id:
        return "'send group' needs --group-id."
    if args.verify and not (args.kind in ("track", "page", "screen") and args.customer):
        return "--verify works with track, page and screen for a --customer (they appear in the activities)."
    return None


def _context(args: argparse.Namespace) -> dict[str, Any] | None:
    import json

    if not args.context:
        return None
    try:
        value = json.loads(args.context)
    except ValueError as exc:
        raise ValueError(f"--context is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ValueError('--context must be a JSON object, such as {"ip": "203.0.113.7"}')
    return value


async def run(args: argparse.Namespace, data: Any) -> int:
    """Send the call, print it (or ``--json``), and with ``--verify`` wait for it in the activities."""
    import time

    from cio_desktop.api.errors import ApiError
    from cio_desktop.cli.common import fail, open_services
    from cio_desktop.cli.output import report_error
    from cio_desktop.cli.send_cmd import print_exchange, render_sent
    from cio_desktop.errors import CioDesktopError
    from cio_desktop.operations import pipelines_send as P
    from cio_desktop.operations.send import verify_arrival

    try:
        context = _context(args)
    except ValueError as exc:
        return fail(str(exc))
    call = P.PipelinesCall(args.kind)
    fields = P.PipelinesFields(
        user_id=args.customer or "",
        anonymous_id=args.anonymous_id or "",
        name=args.event_name or "",
        group_id=args.group_id or "",
        previous_id=args.previous_id or "",
    )
    message = P.build_message(call, fields, P.body_from_parts(call, data, context))
    target = P.arrival_target(call, message)
    started = time.time()
    verified: dict[str, Any] | None = None
    try:
        async with open_services(network=True) as services:
            client = await services.client_for(services.find_workspace(args.name))
            result = await P.send(client, call, message)
            if not args.json:
                print_exchange(result.exchange)
            if args.verify and target is not None:
                if not args.json:
                    print(f"Waiting up to {args.timeout:g} s for it to appear in the person's activities…")
                verified = await verify_arrival(
                    client, target.customer, target.name, since=started, timeout_s=args.timeout,
                    activity_type=target.activity_type,
                )  # fmt: skip
    except ApiError as exc:
        return report_error(exc, as_json=args.json)
    except CioDesktopError as exc:
        return fail(exc.message)
    return render_sent(args, result.exchange, result.data, verified, started, api="pipelines")
