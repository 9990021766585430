"""Usage over the request history: counts per workspace and day, the slowest calls, plain-words notes."""

from __future__ import annotations

from datetime import datetime, timedelta

from cio_desktop.api.exchange import Exchange
from cio_desktop.operations.usage import summarize

NOW = datetime(2026, 12, 3, 15, 0).astimezone()  # a Thursday


def _call(n: int, *, ws: str = "Acme", api: str = "app", status: int | None = 200, ago_h: float = 1,
          ms: float = 50) -> Exchange:  # fmt: skip
    return Exchange(
        id=f"x{n}", workspace=ws, method="GET", url="https://api.customer.io/v1/customers", status=status,
        started_at=NOW - timedelta(hours=ago_h), timings={"total": ms}, api=api,
        error=None if status else "No answer",
    )  # fmt: skip


def test_counts_per_workspace_and_day_with_empty_days_kept() -> None:
    calls = [_call(1), _call(2, status=500), _call(3, status=None, ago_h=30), _call(4, ws="Beta", ago_h=50)]
    report = summarize(calls, now=NOW, days=7)
    assert report.workspaces == ["Acme", "Beta"]
    acme = report.days["Acme"]
    assert len(acme) == 7
    assert (acme[-1].calls, acme[-1].errors) == (2, 1)
    assert (acme[-2].calls, acme[-2].errors) == (1, 1)
    assert report.totals("Acme").calls == 3
    assert report.totals("Beta").calls == 1


def test_old_calls_fall_outside_the_window() -> None:
    assert summarize([_call(1, ago_h=24 * 30)], now=NOW, days=14).days == {}


def test_401s_since_tuesday_read_as_a_rotated_key() -> None:
    calls = [_call(i, status=401, ago_h=48 + i) for i in range(14)]  # first one on Tuesday
    (note,) = summarize(calls, now=NOW).notes
    assert note.startswith("14 calls to the App API of “Acme” rejected with 401 since Tuesday")
    assert "rotated or revoked" in note


def test_429s_and_a_failing_day_get_a_note() -> None:
    calls = [_call(i, status=429) for i in range(3)] + [_call(10 + i, status=503) for i in range(10)]
    notes = summarize(calls, now=NOW).notes
    assert any("rate limit (429)" in n for n in notes)
    assert any("% of today's 13 calls in “Acme” failed" in n for n in notes)


def test_slowest_calls_first() -> None:
    calls = [_call(i, ms=ms) for i, ms in enumerate([10, 900, 30, 450])]
    assert [e.total_ms for e in summarize(calls, now=NOW, slowest=2).slowest] == [900, 450]


def test_a_quiet_history_has_no_notes() -> None:
    assert summarize([_call(i) for i in range(20)], now=NOW).notes == []


def test_a_renamed_workspace_is_one_group_under_its_current_name() -> None:
    calls = [_with_id(_call(1, ws="Old name", ago_h=30, status=401), "w1"), _with_id(_call(2), "w1")]
    report = summarize(calls, now=NOW, label=lambda e: "New name")
    assert report.workspaces == ["w1"]
    assert report.label("w1") == "New name"
    assert report.totals("w1").calls == 2
    assert "“New name”" in report.notes[0]


def _with_id(exchange: Exchange, workspace_id: str) -> Exchange:
    import dataclasses

    return dataclasses.replace(exchange, workspace_id=workspace_id)


def test_notes_can_be_read_per_workspace() -> None:
    calls = [_with_id(_call(1, status=401), "w1"), _with_id(_call(2, ws="Beta", status=429), "w2")]
    report = summarize(calls, now=NOW)
    assert len(report.notes) == 2
    assert report.notes_for("w1") == [report.notes[0]]
    assert "429" in report.notes_for("w2")[0]
    assert report.notes_for(None) == report.notes
