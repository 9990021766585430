"""Reading text a person points at (``--data-file FILE``, ``-`` for standard input) without trusting it:
at most ``limit`` bytes are read, so ``/dev/zero`` or a huge file ends in a clear error instead of
filling memory, and bytes that are not UTF-8 are reported instead of crashing later."""

from __future__ import annotations

import sys
from typing import BinaryIO

MAX_DATA_BYTES = 1024 * 1024  # far more than any event or batch the Track API accepts


class ReadProblem(ValueError):
    """The input could not be used; the message says why in plain words."""


def read_text_bounded(path: str, *, limit: int = MAX_DATA_BYTES, what: str = "--data-file") -> str:
    """The UTF-8 text in ``path`` (``-``: standard input), at most ``limit`` bytes."""
    label = "standard input" if path == "-" else path
    try:
        if path == "-":
            buffer: BinaryIO | None = getattr(sys.stdin, "buffer", None)
            raw = buffer.read(limit + 1) if buffer is not None else _text_as_bytes(limit + 1)
        else:
            with open(path, "rb") as handle:
                raw = handle.read(limit + 1)
    except OSError as exc:
        raise ReadProblem(f"could not read {label}: {exc.strerror or type(exc).__name__}") from None
    if len(raw) > limit:
        raise ReadProblem(
            f"{what} {label} holds more than {limit // 1024 // 1024} MB; cio-desktop reads at most "
            f"{limit // 1024 // 1024} MB of data."
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReadProblem(f"{what} {label} is not UTF-8 text (byte {exc.start} cannot be read)") from None


def _text_as_bytes(size: int) -> bytes:
    """Standard input that has no byte layer (a test's ``StringIO``): read text, give bytes."""
    return sys.stdin.read(size).encode("utf-8", "surrogateescape")
