"""``cio-desktop sandbox``: run the local Customer.io-compatible practice server until Ctrl-C/SIGTERM.

When ready it prints exactly one JSON line on stdout (track_url, app_url, site_id, track_api_key,
app_api_key, region, workspace_id, ca_file, ..., pipelines_url, pipelines_write_key). Keys are random
unless ``--key-seed`` asks for repeatable ones; ``--allow-remote`` on a non-loopback address warns.
aiohttp and trustme load only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_USAGE = 2
FAULT_HELP = """fault specs (--fault KIND=VALUE[@/path-prefix], repeatable):
  latency=S | latency=A-B   wait S seconds, or a random time between A and B
  error=P                   share P (0..1) of requests answer 500/502/503, not processed
  status=CODE               every request answers CODE (400-599), not processed
  burst429=N                the next N requests answer 429 with Retry-After: 1
  drop=P                    share P of connections closed without an answer, not processed
  truncate=P                share P of answers cut in half (after the work was done)
  malformed=P               share P of answers carry broken JSON (after the work was done)
  trickle=S                 answers are sent in small pieces over S seconds
example: --fault latency=0.2-1 --fault error=0.1@/api/v1 --fault burst429=3@/v1"""


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``sandbox`` sub-command to ``sub``."""
    p = sub.add_parser(
        "sandbox",
        help="run the offline practice server (a local Customer.io look-alike)",
        description="Serve a local Customer.io-compatible Track and App API with demo data. Prints one "
        "JSON line with the URLs and keys when ready; stops on Ctrl-C or SIGTERM.",
        epilog=FAULT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    p.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway local CA (ca_file)")
    p.add_argument("--state-dir", metavar="DIR", help="keep the data in DIR so it survives a restart")
    p.add_argument("--seed", type=int, default=1, help="demo data seed (default 1)")
    p.add_argument(
        "--key-seed",
        type=int,
        default=None,
        metavar="N",
        help="derive the keys from N so they repeat (default: random keys on every fresh start)",
    )
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="inject a fault, e.g. latency=0.5, error=0.3, burst429=3, drop=1@/v1 (repeatable)",
    )
    p.add_argument("--allow-remote", action="store_true", help="allow listening on a non-loopback address")
    p.add_argument("--region", choices=("us", "eu"), default="us", help="the region the sandbox plays")
    p.add_argument(
        "--wrong-region",
        choices=("redirect", "401"),
        default="redirect",
        help="how the other region's face answers (default redirect)",
    )
    p.add_argument("--rate-limit", type=float, default=10.0, help="App API requests/s per key (0 = off)")
    p.add_argument("--people", type=int, default=300, help="number of random demo people (default 300)")
    p.add_argument(
        "--trickle",
        type=float,
        metavar="SECONDS",
        default=0.0,
        help="record one realistic activity about every SECONDS (default 0 = off), for a live stream",
    )
    p.add_argument(
        "--stop-on-stdin-close",
        action="store_true",
        help="also stop when stdin closes (so a parent app that dies takes the sandbox with it)",
    )
    p.set_defaults(func=run)


def _error(message: str, code: int = 1) -> int:
    print(f"cio-desktop: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    """Validate the options, start the sandbox, print its JSON line and serve until stopped."""
    from cio_desktop.sandbox.faults import FaultSpecError, parse_faults
    from cio_desktop.sandbox.options import SandboxOptions, is_loopback

    if not args.allow_remote and not is_loopback(args.host):
        return _error(
            f"refusing to listen on {args.host}: the sandbox is for this computer only "
            "(add --allow-remote to override)",
            EXIT_USAGE,
        )
    if args.allow_remote and not is_loopback(args.host):
        print(
            f"cio-desktop: warning: the sandbox listens on {args.host}: other computers can reach it and "
            "read its demo data and keys over plain HTTP unless --tls is on",
            file=sys.stderr,
        )
    try:
        parse_faults(args.fault)
    except FaultSpecError as exc:
        return _error(str(exc), EXIT_USAGE)
    if args.people < 0 or args.rate_limit < 0 or args.trickle < 0 or not 0 <= args.port <= 65535:
        return _error("--people, --rate-limit, --trickle and --port must not be negative", EXIT_USAGE)
    options = SandboxOptions(
        host=args.host,
        port=args.port,
        tls=args.tls,
        state_dir=args.state_dir,
        seed=args.seed,
        key_seed=args.key_seed,
        faults=tuple(args.fault),
        region=args.region,
        wrong_region=args.wrong_region,
        allow_remote=args.allow_remote,
        rate_limit=args.rate_limit or None,
        people=args.people,
        trickle=args.trickle or None,
    )
    import asyncio

    from cio_desktop.sandbox.process import serve_forever

    try:
        return asyncio.run(serve_forever(options, watch_stdin=args.stop_on_stdin_close))
    except OSError as exc:
        return _error(f"the sandbox could not listen on {args.host}:{args.port} ({exc.strerror or exc})")
    except ValueError as exc:
        return _error(f"the sandbox could not start: {exc}")
