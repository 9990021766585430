"""Check JSON typed by a person: where the first mistake is (line, column) and what it means in plain words.

Not responsible for showing anything: the event panel's editor underlines and labels what this returns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

#: Deepest nesting of objects and lists accepted in data typed or passed by a person. Real event data is
#: a few levels deep; hundreds of levels only break things downstream (recursion limits in renderers).
MAX_DEPTH = 100

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
    """Parse ``text``; on failure say where and why. ``require_object`` also rejects non-objects.

    Also refused, with words: ``NaN``/``Infinity`` (not JSON, servers reject them), a lone surrogate
    escape such as ``"\\ud800"`` (cannot be encoded as UTF-8) and nesting deeper than ``MAX_DEPTH``.
    """
    if not text.strip():
        return JsonCheck(problem=JsonProblem(1, 1, 0, "the editor is empty: type a JSON object, e.g. {}"))
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        return JsonCheck(problem=JsonProblem(exc.lineno, exc.colno, exc.pos, _plain(exc.msg)))
    except _ConstantError as exc:
        return JsonCheck(problem=JsonProblem(1, 1, 0, f"{exc} is not a JSON number; use a number or null"))
    except RecursionError:
        return JsonCheck(problem=JsonProblem(1, 1, 0, _too_deep()))
    shape = shape_problem(value)
    if shape:
        return JsonCheck(problem=JsonProblem(1, 1, 0, shape))
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


class _ConstantError(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity`` in the text."""


def _refuse_constant(name: str) -> Any:
    raise _ConstantError(name)


def _too_deep() -> str:
    return f"the data is nested more than {MAX_DEPTH} levels deep (the limit is {MAX_DEPTH})"


def nesting_depth(value: Any, *, stop_after: int | None = None) -> int:
    """How many objects/lists deep ``value`` goes (0 for a scalar), without recursion; counting stops
    once ``stop_after`` is exceeded."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if stop_after is not None and deepest > stop_after:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest


TOO_DEEP = "(nested too deeply to show)"


def clip_depth(value: Any, max_depth: int) -> Any:
    """A copy of ``value`` with every object/list deeper than ``max_depth`` replaced by ``TOO_DEEP``;
    built without recursion so any depth can be clipped."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, int]] = [(value, root, 0, 0)]
    while stack:
        item, parent, slot, depth = stack.pop()
        if isinstance(item, dict | list) and depth >= max_depth:
            parent[slot] = TOO_DEEP
        elif isinstance(item, dict):
            out: dict[Any, Any] = dict.fromkeys(item)
            parent[slot] = out
            stack.extend((child, out, key, depth + 1) for key, child in item.items())
        elif isinstance(item, list):
            seq: list[Any] = [None] * len(item)
            parent[slot] = seq
            stack.extend((child, seq, i, depth + 1) for i, child in enumerate(item))
        else:
            parent[slot] = item
    return root[0]


def shape_problem(value: Any) -> str | None:
    """Words for what makes a parsed value unsendable (too deep, a lone surrogate), or None."""
    if nesting_depth(value, stop_after=MAX_DEPTH) > MAX_DEPTH:
        return _too_deep()
    if has_lone_surrogate(value):
        return "a text holds a lone surrogate escape (\\ud800-\\udfff), which is not a character"
    return None


def has_lone_surrogate(value: Any) -> bool:
    """True if any text (key or value) in ``value`` holds a lone surrogate: it cannot be written as
    UTF-8, so saving or sending it would fail later. Walked without recursion."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and _has_surrogate(item):
            return True
    return False


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
