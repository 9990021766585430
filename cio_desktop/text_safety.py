"""Text from outside (server answers, attribute values, file contents) made safe to show on one line or
in a terminal: control characters never reach a terminal or a label raw.

Neutralised: C0 controls (ESC starts terminal escape sequences, CR rewrites a line), DEL, C1 controls
(U+0080-U+009F; U+009B is a one-byte CSI), bidirectional overrides and isolates (they reorder what the
eye reads) and lone surrogates (not characters; they break encoders). Each is shown as a visible escape
such as ``\\x1b`` or ``\\u202e`` so nothing is hidden and nothing is interpreted. Qt-free: the CLI's print
paths and the GUI's single-line labels both use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

#: Bidirectional formatting characters: marks, embeddings, overrides and isolates.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_OTHERS = "\x7f-\x9f" + BIDI_CONTROLS + "\ud800-\udfff"
_UNSAFE_ONE_LINE = re.compile(f"[\x00-\x1f{_OTHERS}]")
_UNSAFE_MULTI_LINE = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")  # keeps \t (09) and \n (0a)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_line(text: object) -> str:
    """``text`` as one safe line: every control character (line breaks and tabs too), bidi control and
    lone surrogate shown as a visible escape."""
    return _UNSAFE_ONE_LINE.sub(_escape, str(text))


def safe_text(text: object) -> str:
    """Like ``safe_line`` but keeps line feeds and tabs (for multi-line output such as indented JSON);
    carriage returns and every other control character are still escaped."""
    return _UNSAFE_MULTI_LINE.sub(_escape, str(text))


def json_safe(text: str) -> str:
    """JSON text with every unsafe character that ``ensure_ascii=False`` leaves raw (C1 controls, bidi
    controls; C0 are always escaped by json) written as a ``\\uXXXX`` escape: still the same JSON value,
    but nothing a terminal would act on."""
    return _UNSAFE_MULTI_LINE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeStream:
    """A text stream wrapper whose ``write`` passes everything through ``safe_text``: the CLI wraps
    stdout and stderr in it, so no print path can put a raw escape sequence on the terminal.

    ``add_redactor`` adds a function (a client's secret redactor) applied to every write too, so a
    server that echoes a key back cannot get it printed by any output path (``send --json`` did).
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._redactors: list[Callable[[str], str]] = []

    def add_redactor(self, redact: Callable[[str], str]) -> None:
        self._redactors.append(redact)

    def write(self, text: str) -> int:
        out = text
        for redact in self._redactors:
            out = redact(out)
        self._stream.write(safe_text(out))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def unsafe_characters(text: str) -> list[str]:
    """The distinct unsafe characters in ``text`` as visible escapes (empty when it is safe to show)."""
    return sorted({_escape(m) for m in _UNSAFE_ONE_LINE.finditer(text)})
