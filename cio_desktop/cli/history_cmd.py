"""``cio-desktop history list|show ID|export --har FILE|resend ID|clear``: the redacted request history.

The same history the app shows (``<data dir>/history.jsonl``); secrets were removed when each request
was recorded, so everything printed or exported here is safe to share. Records are read through
``operations.services.Services``: a workspace's records stay together across renames (kept by id).
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from cio_desktop.api.exchange import Exchange
    from cio_desktop.operations.services import Services


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``history`` sub-command to ``sub``."""
    parser = sub.add_parser("history", help="list, show or export the request history (redacted)")
    actions = parser.add_subparsers(dest="history_command", metavar="ACTION", required=True)
    lst = actions.add_parser("list", help="the latest requests, newest last")
    lst.add_argument("--limit", type=int, default=50, metavar="N", help="how many (default 50)")
    lst.add_argument("--workspace", metavar="NAME", help="only this workspace's requests")
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.set_defaults(func=_list)
    show = actions.add_parser("show", help="one request in full (ID or a unique start of it)")
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.add_argument("--curl", action="store_true", help="print it as a curl command instead")
    show.set_defaults(func=_show)
    export = actions.add_parser("export", help="write the history as a HAR 1.2 file")
    export.add_argument("--har", required=True, metavar="FILE", help="the file to write")
    export.add_argument("--workspace", metavar="NAME", help="only this workspace's requests")
    export.set_defaults(func=_export)
    resend = actions.add_parser(
        "resend", help="send a recorded Track call again, unchanged (the same event id: never a duplicate)"
    )
    resend.add_argument("id", metavar="ID")
    resend.set_defaults(func=_resend)
    clear = actions.add_parser("clear", help="forget every recorded request")
    clear.set_defaults(func=_clear)


def _with_services(work: Callable[[Services], Awaitable[int]]) -> int:
    from cio_desktop.cli.common import open_services, run_async

    async def run() -> int:
        async with open_services(network=True) as services:  # settings and history, problems said
            return await work(services)

    return run_async(run())


def _list(args: argparse.Namespace) -> int:
    return _with_services(lambda services: _list_records(services, args))


async def _list_records(services: Services, args: argparse.Namespace) -> int:
    from cio_desktop.cli.output import print_json

    records = services.history_records(args.workspace)[-max(1, args.limit) :]
    if args.json:
        print_json([_summary(r, services.history_label(r)) for r in records])
        return 0
    if not records:
        print("No requests recorded yet.")
        return 0
    for r in records:
        when = r.started_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        outcome = str(r.status) if r.status is not None else "failed"
        label = services.history_label(r)
        print(f"{r.id}  {when}  {label:<12.12}  {outcome:>6}  {r.total_ms:7.0f} ms  {r.method:<6} {r.url}")
    return 0


def _summary(r: Exchange, label: str) -> dict[str, Any]:
    return {
        "id": r.id,
        "started_at": r.started_at.isoformat(),
        "workspace": label,
        "workspace_id": r.workspace_id or None,
        "operation": r.operation,
        "method": r.method,
        "url": r.url,
        "status": r.status,
        "error": r.error,
        "total_ms": r.total_ms,
    }


def _show(args: argparse.Namespace) -> int:
    return _with_services(lambda services: _show_record(services, args))


async def _show_record(services: Services, args: argparse.Namespace) -> int:
    from cio_desktop.cli.common import fail
    from cio_desktop.cli.output import print_json

    record = services.history_record(args.id)
    if record is None:
        return fail(f"No recorded request has the ID '{args.id}'. 'cio-desktop history list' shows the IDs.")
    if args.curl:
        print(services.curl_for(record))
    elif args.json:
        print_json(record.to_json_dict())
    else:
        label = services.history_label(record)
        print(f"{record.operation or 'Request'} · {label} · {record.started_at.isoformat()}")
        print(f"{record.method} {record.url}")
        for k, v in record.request_headers.items():
            print(f"  {k}: {v}")
        if record.request_body:
            print(f"\n{record.request_body}\n")
        print(f"Status: {record.status if record.status is not None else 'no answer'}")
        if record.error:
            print(f"Error: {record.error}")
        for k, v in record.response_headers.items():
            print(f"  {k}: {v}")
        if record.response_body:
            print(f"\n{record.response_body}")
        t = record.timings
        print(
            f"\nTimings (ms): connect {t.get('connect', 0):.1f}, TLS {t.get('tls', 0):.1f}, "
            f"first byte {t.get('first_byte', 0):.1f}, total {t.get('total', 0):.1f}"
        )
    return 0


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    path = Path(args.har).expanduser()
    return _with_services(lambda services: _export_records(services, args, path))


async def _export_records(services: Services, args: argparse.Namespace, path: Path) -> int:
    from cio_desktop.cli.common import fail

    try:
        count = await services.export_har(path, services.history_records(args.workspace))
    except OSError as exc:
        return fail(f"could not write {path}: {exc.strerror or exc}")
    print(f"Wrote {count} request(s) to {path} (HAR 1.2, secrets removed).")
    return 0


def _resend(args: argparse.Namespace) -> int:
    return _with_services(lambda services: _resend_record(services, args))


async def _resend_record(services: Services, args: argparse.Namespace) -> int:
    from cio_desktop.api.errors import ApiError
    from cio_desktop.cli.common import fail
    from cio_desktop.cli.output import report_error
    from cio_desktop.errors import CioDesktopError

    record = services.history_record(args.id)
    if record is None:
        return fail(f"No recorded request has the ID '{args.id}'. 'cio-desktop history list' shows the IDs.")
    try:
        result = await services.resend(record)
    except ApiError as exc:
        return report_error(exc, as_json=False)
    except CioDesktopError as exc:
        return fail(exc.message)
    print(f"Resent {record.method} {record.url}: {result.status} (new record {result.exchange.id}).")
    return 0


def _clear(args: argparse.Namespace) -> int:
    return _with_services(_clear_records)


async def _clear_records(services: Services) -> int:
    count = await services.clear_history()
    print(f"Forgot {count} recorded request(s).")
    return 0
