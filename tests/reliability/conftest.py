"""The reliability suites (issue 14): each records what it tried in ``tally`` and the counts are printed
in pytest's summary, the figures ``docs/reliability.md`` reports."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pytest

#: suite name -> outcome -> count, for the whole session.
TALLY: defaultdict[str, Counter[str]] = defaultdict(Counter)


class Tally:
    """``tally(suite, outcome)`` counts one tried case."""

    def __call__(self, suite: str, outcome: str = "ok", n: int = 1) -> None:
        TALLY[suite][outcome] += n


@pytest.fixture
def tally() -> Tally:
    return Tally()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TALLY:
        return
    terminalreporter.section("reliability: cases tried")
    for suite in sorted(TALLY):
        counts = TALLY[suite]
        parts = ", ".join(f"{outcome} {n}" for outcome, n in sorted(counts.items()))
        terminalreporter.write_line(f"{suite}: {sum(counts.values())} tried ({parts})")
