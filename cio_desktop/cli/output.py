"""How the commands print: JSON on stdout, API errors as one line on stderr (plus detail lines).

Rendering only: the commands get their data from ``cio_desktop.operations``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from cio_desktop.api.errors import ApiError


def print_json(value: Any) -> None:
    """Indented JSON on stdout, written in one piece (the output stream redacts each write). Characters a
    terminal would act on are written as ``\\uXXXX`` escapes; parts nested deeper than ``MAX_DEPTH`` are
    replaced by a note when the whole would exhaust the encoder's recursion limit."""
    from cio_desktop.json_check import MAX_DEPTH, clip_depth
    from cio_desktop.text_safety import json_safe

    try:
        text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    except RecursionError:
        text = json.dumps(clip_depth(value, MAX_DEPTH), indent=2, ensure_ascii=False, default=str)
    sys.stdout.write(json_safe(text) + "\n")


def error_json(exc: ApiError) -> dict[str, Any]:
    """A secret-free description of an error for ``--json`` output."""
    out: dict[str, Any] = {
        "kind": type(exc).__name__,
        "message": exc.message,
        "detail": exc.detail,
        "status": exc.status,
        "request_id": exc.request_id,
        "exchange_id": exc.exchange_id,
    }
    for attr in ("other_region_works", "retry_after", "correct_region"):
        if hasattr(exc, attr):
            out[attr] = getattr(exc, attr)
    fields = getattr(exc, "field_errors", None)
    if fields:
        out["field_errors"] = [
            {"field": f.field, "message": f.message, "batch_index": f.batch_index} for f in fields
        ]
    if exc.server_message:
        out["server_message"] = exc.server_message
    return out


def report_error(exc: ApiError, *, as_json: bool) -> int:
    """Print an API error (message on stderr, detail on a second line; JSON on stdout too). Returns 1."""
    from cio_desktop.cli.common import fail

    if as_json:
        print_json({"ok": False, "error": error_json(exc)})
    fail(exc.message)
    extra = [exc.detail]
    if exc.server_message:
        extra.append(f"server said: {exc.server_message}")
    for f in getattr(exc, "field_errors", None) or []:
        where = f"item {f.batch_index}: " if f.batch_index is not None else ""
        extra.append(f"{where}{f.field or 'request'}: {f.message}")
    for line in extra:
        if line:
            print(f"  {line}", file=sys.stderr)
    return 1
