"""``cio-desktop send NAME identify|event|anonymous|page|screen|batch ...``: send data with the Track API;
``cio-desktop send NAME --api pipelines identify|track|page|screen|group|alias|batch ...``: with the
Pipelines API (``cli.send_pipelines``).

Prints the request that was sent (redacted), the status and the response; ``--verify`` then waits until
the event shows up in the person's activities (needs the App API key too). Sending and verifying are
``operations.send`` (the event panel's code); httpx and keyring are imported only when the command runs.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cio_desktop.api.exchange import Exchange

KINDS = ("identify", "event", "anonymous", "page", "screen", "batch")
PIPELINES_KINDS = ("identify", "track", "page", "screen", "group", "alias", "batch")
NEEDS_CUSTOMER = ("identify", "event", "page", "screen")
NEEDS_NAME = ("event", "anonymous", "page", "screen")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``send`` sub-command to ``sub``."""
    parser = sub.add_parser(
        "send",
        help="send an identify, event, anonymous event, page or screen view, or a batch",
        description="Send data to a workspace with its Track API credentials, or with its Pipelines API "
        "key (--api pipelines).",
    )
    parser.add_argument("name", metavar="NAME", help="the workspace name")
    parser.add_argument(
        "kind",
        choices=tuple(dict.fromkeys(KINDS + PIPELINES_KINDS)),
        help=f"what to send: Track {', '.join(KINDS)}; Pipelines {', '.join(PIPELINES_KINDS)}",
    )
    parser.add_argument(
        "--api", choices=("track", "pipelines"), default="track", help="which API sends it (default track)"
    )
    parser.add_argument(
        "--customer", metavar="ID", help="the person (identify, event, page, screen; Pipelines: the userId)"
    )
    parser.add_argument(
        "--id-type", choices=("id", "email", "cio_id"), default="id", help="what --customer is (default id)"
    )
    parser.add_argument(
        "--name",
        dest="event_name",
        metavar="NAME",
        help="event name, page URL (Pipelines: page name) or screen name",
    )
    data = parser.add_mutually_exclusive_group()
    data.add_argument(
        "--data",
        metavar="JSON",
        help="attributes (identify), event data, or batch operations; Pipelines: traits (identify, group), "
        "properties (track, page, screen) or the batch's calls",
    )
    data.add_argument("--data-file", metavar="FILE", help="read --data from a file ('-' for standard input)")
    parser.add_argument("--anonymous-id", metavar="ID", help="anonymous id (Pipelines: the anonymousId)")
    parser.add_argument("--group-id", metavar="ID", help="Pipelines group: the groupId")
    parser.add_argument("--previous-id", metavar="ID", help="Pipelines alias: the previousId")
    parser.add_argument("--context", metavar="JSON", help="Pipelines: the message's context object")
    parser.add_argument(
        "--verify", action="store_true", help="wait until the event appears in the activities"
    )
    parser.add_argument("--timeout", type=float, default=30.0, metavar="S", help="how long --verify waits")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from cio_desktop.cli.common import fail

    if args.api == "pipelines":
        from cio_desktop.cli import send_pipelines

        problem = send_pipelines.check_args(args)
    else:
        problem = _check_args(args)
    if problem:
        return fail(problem)
    try:
        data = _read_data(args)
    except ValueError as exc:
        return fail(str(exc))
    if args.api == "pipelines":
        return asyncio.run(send_pipelines.run(args, data))
    return asyncio.run(_run(args, data))


def _check_args(args: argparse.Namespace) -> str | None:
    if args.kind not in KINDS:
        track = ", ".join(KINDS)
        return f"'send {args.kind}' is a Pipelines call: add --api pipelines (Track sends {track})."
    extra = [flag for flag, value in _PIPELINES_ONLY.items() if getattr(args, value)]
    if extra:
        return f"{', '.join(extra)} only work with --api pipelines."
    if args.kind in NEEDS_CUSTOMER and not args.customer:
        return f"'send {args.kind}' needs --customer (the person's ID, or use --id-type email/cio_id)."
    if args.kind in NEEDS_NAME and not args.event_name:
        what = {"page": "the page URL", "screen": "the screen name"}.get(args.kind, "the event name")
        return f"'send {args.kind}' needs --name ({what})."
    if args.kind == "batch" and not (args.data or args.data_file):
        return "'send batch' needs --data or --data-file with a list of operations."
    if args.verify and args.kind not in ("event", "page", "screen"):
        return "--verify works with event, page and screen (they appear in the person's activities)."
    return None


def _read_data(args: argparse.Namespace) -> Any:
    from cio_desktop.bounded_read import read_text_bounded
    from cio_desktop.json_check import check_json

    text = args.data
    if args.data_file:
        text = read_text_bounded(args.data_file)
    if text is None or not text.strip():
        return None
    check = check_json(text, require_object=False)
    if check.problem is not None:
        raise ValueError(f"--data is not valid JSON: {check.problem.describe()}")
    value = check.value
    if args.kind == "batch":  # the same shape for both APIs: a list, or {"batch": [...]}
        if isinstance(value, dict) and isinstance(value.get("batch"), list):
            value = value["batch"]
        if not isinstance(value, list) or not all(isinstance(op, dict) for op in value):
            raise ValueError('batch data must be a JSON list of operations (or {"batch": [...]})')
    elif not isinstance(value, dict):
        raise ValueError('--data must be a JSON object, such as {"plan": "pro"}')
    return value


_PIPELINES_ONLY = {"--group-id": "group_id", "--previous-id": "previous_id", "--context": "context"}

CALL_TYPES = {
    "identify": "identify",
    "event": "person_event",
    "anonymous": "anonymous_event",
    "page": "page_view",
    "screen": "screen_view",
    "batch": "v2_batch",
}


async def _run(args: argparse.Namespace, data: Any) -> int:
    import time

    from cio_desktop.api.errors import ApiError
    from cio_desktop.cli.common import fail, open_services
    from cio_desktop.cli.output import report_error
    from cio_desktop.errors import CioDesktopError
    from cio_desktop.operations.send import CallType, send, verify_arrival

    call_type = CallType(CALL_TYPES[args.kind])
    started = time.time()
    verified: dict[str, Any] | None = None
    try:
        async with open_services(network=True) as services:
            client = await services.client_for(services.find_workspace(args.name))
            result = await send(
                client,
                call_type,
                data,
                customer=args.customer or "",
                id_type=args.id_type,
                name=args.event_name or "",
                anonymous_id=args.anonymous_id,
            )
            if not args.json:
                print_exchange(result.exchange)
            if args.verify:
                if not args.json:
                    print(f"Waiting up to {args.timeout:g} s for it to appear in the person's activities…")
                verified = await verify_arrival(
                    client,
                    args.customer,
                    args.event_name,
                    since=started,
                    timeout_s=args.timeout,
                    id_type=args.id_type,
                    call_type=call_type,
                )
    except ApiError as exc:
        return report_error(exc, as_json=args.json)
    except CioDesktopError as exc:
        return fail(exc.message)
    return render_sent(args, result.exchange, result.data, verified, started)


def render_sent(
    args: argparse.Namespace,
    ex: Exchange,
    data: Any,
    verified: dict[str, Any] | None,
    started: float,
    *,
    api: str | None = None,
) -> int:
    """Print what a send got back (``ex`` and its parsed answer ``data``; ``--json``: one object;
    ``--verify``: whether it arrived) and return the exit status: 1 when ``--verify`` did not see it
    arrive. ``api`` is named in the JSON if given."""
    import time

    from cio_desktop.cli.output import print_json

    if args.json:
        out: dict[str, Any] = {"ok": True}
        if api is not None:
            out["api"] = api
        out.update(
            {
                "request": {"method": ex.method, "url": ex.url, "body": ex.request_body},
                "status": ex.status,
                "response": data,
                "exchange_id": ex.id,
            }
        )
        if args.verify:
            out["verified"] = verified is not None
            out["activity"] = verified
        print_json(out)
    elif args.verify:
        if verified is not None:
            print(f"Arrived: it is in the person's activities ({time.time() - started:.1f} s after sending).")
        else:
            print(f"Not seen in the person's activities within {args.timeout:g} s.")
    return 1 if args.verify and verified is None else 0


def print_exchange(ex: Any) -> None:
    """The request (redacted when it was recorded), the status and the answer, for a person to read."""
    print(f"Request:  {ex.method} {ex.url}")
    if ex.request_body:
        print(f"          {ex.request_body}")
    print(f"Status:   {ex.status} ({ex.timings.get('total', 0):.0f} ms)")
    print(f"Response: {ex.response_body or '(empty)'}")
