"""Key hygiene: how old each stored key is, which ones are due for replacing, and replacing one safely.

A key's age is the day it was added or last replaced (``Workspace.key_dates``, kept in the workspace file);
nothing here ever reads, returns or formats a key's value. Replacing a key tests the new one against
Customer.io first (``key_check``) and only then swaps it in through the transactional key change of
``workspace_changes.update`` (new set under a fresh keyring id, the file pointed at it, then the old set
deleted): until the new key has passed, the old one stays in use. Plain Python, no Qt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from cio_desktop.models import SecretKind, Workspace
from cio_desktop.operations.key_check import CheckReport, KeyCheck, KeyState

KIND_LABELS = {
    SecretKind.TRACK_API_KEY: "Track API key",
    SecretKind.APP_API_KEY: "App API key",
    SecretKind.PIPELINES_KEY: "Pipelines API key",
}
# The kinds the key test can check, so the kinds a replacement can be tested for.
REPLACEABLE = (SecretKind.TRACK_API_KEY, SecretKind.APP_API_KEY, SecretKind.PIPELINES_KEY)
DEFAULT_MAX_AGE_DAYS = 90


@dataclass(frozen=True, slots=True)
class KeyAge:
    """One key kind of a workspace: whether a key is stored, since when, and whether it is due."""

    kind: SecretKind
    stored: bool
    since: date | None = None  # None: stored before dates were kept
    age_days: int | None = None
    due: bool = False  # older than the chosen number of days

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.value)

    @property
    def age_text(self) -> str:
        """'added today', 'added 12 days ago (19 Nov 2026)', 'not stored', or why the age is unknown."""
        if not self.stored:
            return "not stored"
        if self.since is None or self.age_days is None:
            return "age not known (saved before this app kept dates; replacing it starts the clock)"
        when = f"{self.since.day} {self.since.strftime('%b %Y')}"
        if self.age_days <= 0:
            return f"added or replaced today ({when})"
        days = "1 day" if self.age_days == 1 else f"{self.age_days} days"
        return f"added or replaced {days} ago ({when})"

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "stored": self.stored,
            "since": self.since.isoformat() if self.since else None,
            "age_days": self.age_days,
            "due": self.due,
        }


def key_ages(
    workspace: Workspace,
    present: Mapping[SecretKind, bool],
    *,
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    today: date,
) -> list[KeyAge]:
    """The age of each key kind in ``present`` (Track, App, then the rest, in ``SecretKind`` order)."""
    ages: list[KeyAge] = []
    for kind in SecretKind:
        if kind not in present or kind not in KIND_LABELS:
            continue
        if not present[kind]:
            ages.append(KeyAge(kind, stored=False))
            continue
        day = workspace.key_dates.get(kind)
        since = date.fromisoformat(day) if day else None
        age = (today - since).days if since else None
        ages.append(KeyAge(kind, True, since, age, due=age is not None and age > max_age_days))
    return ages


def due_count(ages: list[KeyAge]) -> int:
    """How many stored keys are older than the chosen number of days (the badge's number)."""
    return sum(1 for age in ages if age.due)


@dataclass(frozen=True, slots=True)
class ReplaceOutcome:
    """What replacing a key did. ``replaced`` False: the old key is still the one in use."""

    kind: SecretKind
    check: KeyCheck
    replaced: bool
    workspace: Workspace
    report: CheckReport | None = None

    @property
    def message(self) -> str:
        label = KIND_LABELS.get(self.kind, self.kind.value)
        if self.replaced:
            return (
                f"The new {label} works and is now the one in use. The old one was removed from the keyring."
            )
        if self.check.state is KeyState.REJECTED:
            return f"Customer.io rejected the new {label}: nothing was changed, the old key is still in use."
        return f"The new {label} could not be tested ({self.check.message}): nothing was changed."


def check_for(report: CheckReport, kind: SecretKind) -> KeyCheck:
    """The report's result for ``kind``."""
    return next(check for check in report.checks() if check.kind is kind)
