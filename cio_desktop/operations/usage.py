"""Usage over the local request history: calls, errors, 401s and 429s per workspace and day, the slowest
calls, and plain-words notes when something looks wrong.

Records are grouped by the workspace's stable id (``Exchange.workspace_id``), so a renamed workspace's
calls stay together; records written before the id was kept group by their name. ``label`` turns a record
into the name to show (``Services.history_label``: the current name). Works on the already-redacted
``Exchange`` records, so nothing here can hold a secret. No Qt, no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from cio_desktop.api.exchange import Exchange

_API_LABELS = {"track": "Track API", "app": "App API", "pipelines": "Pipelines API", "account": "account"}


@dataclass(frozen=True, slots=True)
class DayUsage:
    """One workspace's calls on one (local) day."""

    day: date
    calls: int = 0
    errors: int = 0  # no answer, or any status of 400 and above
    unauthorized: int = 0  # 401
    rate_limited: int = 0  # 429


@dataclass(frozen=True, slots=True)
class UsageReport:
    """``days`` lists every day of the window (oldest first, empty days included) per workspace key
    (its id, or its name for old records); ``labels`` maps a key to the name to show."""

    days: dict[str, list[DayUsage]] = field(default_factory=dict)
    slowest: list[Exchange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    scoped_notes: list[tuple[str, str]] = field(default_factory=list)  # (workspace key, note)

    def notes_for(self, key: str | None) -> list[str]:
        """The notes about one workspace (all of them for ``None`` or "")."""
        return [text for owner, text in self.scoped_notes if not key or owner == key]

    @property
    def workspaces(self) -> list[str]:
        """The workspace keys, ordered by the name shown."""
        return sorted(self.days, key=lambda key: (self.label(key).casefold(), key))

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def totals(self, workspace: str) -> DayUsage:
        """The window's sums for one workspace (``day`` is the first day of the window)."""
        rows = self.days.get(workspace, [])
        return DayUsage(
            day=rows[0].day if rows else date.today(),
            calls=sum(r.calls for r in rows),
            errors=sum(r.errors for r in rows),
            unauthorized=sum(r.unauthorized for r in rows),
            rate_limited=sum(r.rate_limited for r in rows),
        )


def _is_error(exchange: Exchange) -> bool:
    return exchange.status is None or exchange.status >= 400


def _since(first: datetime, now: datetime) -> str:
    """'today', 'yesterday', 'Tuesday' within the last week, else '3 March'."""
    days = (now.date() - first.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return first.strftime("%A")
    return f"{first.day} {first.strftime('%B')}"


def workspace_key(exchange: Exchange) -> str:
    """What a record is grouped by: the workspace's id, or its name for records without one."""
    return exchange.workspace_id or exchange.workspace


def summarize(
    exchanges: Iterable[Exchange],
    *,
    now: datetime | None = None,
    days: int = 14,
    slowest: int = 10,
    label: Callable[[Exchange], str] | None = None,
) -> UsageReport:
    """Count the last ``days`` days of calls (local time) and write notes about what looks wrong."""
    now = (now or datetime.now()).astimezone()
    first_day = now.date() - timedelta(days=days - 1)
    counts: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    recent: list[Exchange] = []
    rejected: dict[tuple[str, str], list[Exchange]] = defaultdict(list)
    limited: dict[str, list[Exchange]] = defaultdict(list)
    labels: dict[str, str] = {}
    for exchange in exchanges:
        when = exchange.started_at.astimezone(now.tzinfo)
        if when.date() < first_day or when > now + timedelta(minutes=5):
            continue
        key = workspace_key(exchange)
        if key not in labels:
            labels[key] = label(exchange) if label is not None else exchange.workspace
        row = counts[key][when.date()]
        row[0] += 1
        row[1] += _is_error(exchange)
        row[2] += exchange.status == 401
        row[3] += exchange.status == 429
        recent.append(exchange)
        if exchange.status == 401:
            rejected[(key, exchange.api)].append(exchange)
        elif exchange.status == 429:
            limited[key].append(exchange)
    window = [first_day + timedelta(days=i) for i in range(days)]
    per_workspace = {
        name: [DayUsage(day, *by_day.get(day, [0, 0, 0, 0])) for day in window]
        for name, by_day in counts.items()
    }
    recent.sort(key=lambda e: e.total_ms, reverse=True)
    scoped = _notes(rejected, limited, per_workspace, now, labels)
    return UsageReport(
        days=per_workspace,
        slowest=recent[:slowest],
        notes=[text for _key, text in scoped],
        labels=labels,
        scoped_notes=scoped,
    )


def _notes(
    rejected: dict[tuple[str, str], list[Exchange]],
    limited: dict[str, list[Exchange]],
    per_workspace: dict[str, list[DayUsage]],
    now: datetime,
    labels: dict[str, str],
) -> list[tuple[str, str]]:
    """(workspace key, note) pairs, in the order they are shown."""
    notes: list[tuple[str, str]] = []
    for (workspace, api), calls in sorted(rejected.items()):
        first = min(e.started_at for e in calls).astimezone(now.tzinfo)
        label = _API_LABELS.get(api, api or "API")
        plural = "call" if len(calls) == 1 else "calls"
        notes.append(
            (
                workspace,
                f"{len(calls)} {plural} to the {label} of “{labels[workspace]}” rejected with 401 since "
                f"{_since(first, now)}: a key may have been rotated or revoked. Test the workspace's keys.",
            )
        )
    for workspace, calls in sorted(limited.items()):
        plural = "call was" if len(calls) == 1 else "calls were"
        notes.append(
            (
                workspace,
                f"{len(calls)} {plural} slowed down by Customer.io's rate limit (429) in "
                f"“{labels[workspace]}”: the App API allows 10 requests a second per key.",
            )
        )
    for workspace, rows in sorted(per_workspace.items()):
        today = rows[-1] if rows else None
        if today and today.calls >= 10 and today.errors / today.calls >= 0.25:
            share = round(100 * today.errors / today.calls)
            notes.append(
                (
                    workspace,
                    f"{share}% of today's {today.calls} calls in “{labels[workspace]}” failed: "
                    "open the inspector to see why.",
                )
            )
    return notes
