"""Check JSON typed by a person: where the first mistake is (line, column) and what it means in plain words.

Not responsible for showing anything: the event panel's editor underlines and labels what this returns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# json's messages, from the most specific prefix, with plain-language explanations.
_PLAIN: tuple[tuple[str, str], ...] = (
    ("Expecting ',' delimiter", "a comma is missing between two items"),
    ("Expecting ':' delimiter", "a colon (:) is missing after a field name"),
    (
        "Expecting property name enclosed in double quotes",
        'a field name must be in double quotes, like "name" (a comma before } also causes this)',
    ),
    ("Illegal trailing comma", "remove the comma before the closing bracket"),
    ("Expecting value", "a value is missing here (text needs double quotes; true, false, null in lowercase)"),
    ("Extra data", "there is more text after the end of the JSON"),
    ("Unterminated string", 'a text value is not closed with a double quote (")'),
    ("Invalid control character", "a text value contains a line break or tab; write it as \\n or \\t"),
    ("Invalid \\escape", "a backslash (\\) starts an escape that JSON does not know"),
    ("Invalid \\uXXXX escape", "a \\u escape needs exactly four hex digits"),
)


@dataclass(frozen=True, slots=True)
class JsonProblem:
    """The first mistake in a JSON text: 1-based line and column, 0-based character offset."""

    line: int
    column: int
    offset: int
    message: str

    def describe(self) -> str:
        """``Line 3, column 7: a comma is missing between two items``."""
        return f"Line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class JsonCheck:
    """The result of checking: the parsed value when valid, otherwise the problem."""

    value: Any = None
    problem: JsonProblem | None = None

    @property
    def ok(self) -> bool:
        """True when the text parsed."""
        return self.problem is None


def _plain(message: str) -> str:
    for prefix, plain in _PLAIN:
        if message.startswith(prefix):
            return plain
    return message[:1].lower() + message[1:]


def check_json(text: str, *, require_object: bool = True) -> JsonCheck:
    """Parse ``text``; on failure say where and why. ``require_object`` also rejects non-objects."""
    if not text.strip():
        return JsonCheck(problem=JsonProblem(1, 1, 0, "the editor is empty: type a JSON object, e.g. {}"))
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return JsonCheck(problem=JsonProblem(exc.lineno, exc.colno, exc.pos, _plain(exc.msg)))
    if require_object and not isinstance(value, dict):
        start = len(text) - len(text.lstrip())
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        kind = type(value).__name__ if value is not None else "null"
        kind = {"list": "a list", "str": "a text", "int": "a number", "float": "a number"}.get(kind, kind)
        return JsonCheck(
            problem=JsonProblem(line, column, start, f"this must be a JSON object in {{ }}, not {kind}")
        )
    return JsonCheck(value=value)
