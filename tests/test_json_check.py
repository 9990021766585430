"""The JSON check behind the event editor: line, column and plain-language reasons."""

from __future__ import annotations

import pytest

from cio_desktop.json_check import check_json


def test_valid_object_parses() -> None:
    result = check_json('{\n  "plan": "pro"\n}')
    assert result.ok
    assert result.value == {"plan": "pro"}


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('{\n  "a": 1\n  "b": 2\n}', 3, 3, "comma is missing"),
        ('{\n  "a" 1\n}', 2, 7, "colon"),
        ("{\n  'a': 1\n}", 2, 3, "double quotes"),
        ('{"a": }', 1, 7, "value is missing"),
        ('{"a": "x}', 1, 7, "not closed"),
        ('{"a": 1} x', 1, 10, "more text"),
    ],
)
def test_errors_name_line_column_and_reason(text: str, line: int, column: int, words: str) -> None:
    result = check_json(text)
    assert not result.ok
    problem = result.problem
    assert problem is not None
    assert (problem.line, problem.column) == (line, column)
    assert words in problem.message
    assert problem.describe().startswith(f"Line {line}, column {column}: ")


def test_empty_and_non_object_are_rejected_in_plain_words() -> None:
    empty = check_json("  ")
    assert empty.problem is not None
    assert "empty" in empty.problem.message
    listed = check_json("\n  [1, 2]")
    assert listed.problem is not None
    assert (listed.problem.line, listed.problem.column) == (2, 3)
    assert "not a list" in listed.problem.message
    assert check_json("[1]", require_object=False).ok
