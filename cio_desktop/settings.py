"""App-wide settings (network, theme, history size, window state) in ``settings.json``.

Same robustness as the workspace file: atomic private writes, a cross-process lock, and a broken
file is moved aside while defaults fill in. Holds no secret (a proxy URL with a password is refused).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from cio_desktop import paths
from cio_desktop.errors import ConfigError
from cio_desktop.jsonfile import FileLock, move_aside, read_json, write_json_atomic
from cio_desktop.text_safety import unsafe_characters
from cio_desktop.time_display import DISPLAY_ZONES, DisplayZone

SCHEMA_VERSION = 1
FILE_NAME = "settings.json"
Theme = Literal["system", "light", "dark"]
THEMES: tuple[Theme, ...] = ("system", "light", "dark")


@dataclass(frozen=True)
class AppSettings:
    """Settings shared by the GUI and the CLI. Every field has a safe default."""

    proxy: str | None = None
    ca_file: str | None = None
    timeout_s: float = 30.0
    connect_timeout_s: float = 10.0
    theme: Theme = "system"
    time_zone: DisplayZone = "local"  # times shown in the computer's zone (named) or in UTC
    history_limit: int = 1000
    key_age_days: int = 90  # a stored key older than this gets a "replace me" badge
    last_workspace: str | None = None
    ui_state: dict[str, str] = field(default_factory=dict)

    def replace(self, **changes: Any) -> AppSettings:
        """A copy with ``changes`` applied (not validated: ``SettingsStore.save`` validates)."""
        return dataclasses.replace(self, **changes)


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    raise ValueError("must be text")


def _positive(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 3600:
        raise ValueError("must be a number of seconds between 0 and 3600")
    return float(value)


def _check_proxy(value: object) -> str | None:
    proxy = _opt_str(value)
    if proxy is None:
        return None
    if unsafe_characters(proxy):
        raise ValueError("must not contain control or invisible characters")
    parts = urlsplit(proxy)
    if parts.scheme not in ("http", "https", "socks5", "socks5h") or not parts.hostname:
        raise ValueError("must be an address such as http://proxy.example.com:3128")
    if parts.password is not None:
        raise ValueError("must not contain a password (settings are not a safe place for secrets)")
    return proxy


def _check_theme(value: object) -> Theme:
    if value not in THEMES:
        raise ValueError("must be system, light or dark")
    return value  # narrowed by the membership test above


def _check_time_zone(value: object) -> DisplayZone:
    if value not in DISPLAY_ZONES:
        raise ValueError("must be local or utc")
    return value  # narrowed by the membership test above


def _check_history_limit(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
        raise ValueError("must be a whole number between 0 and 1000000")
    return value


def _check_key_age_days(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3650:
        raise ValueError("must be a whole number of days between 1 and 3650")
    return value


def _check_ui_state(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError("must map names to text")
    return dict(value)


_CHECKS: dict[str, Callable[[object], Any]] = {
    "proxy": _check_proxy,
    "ca_file": _opt_str,
    "timeout_s": _positive,
    "connect_timeout_s": _positive,
    "theme": _check_theme,
    "time_zone": _check_time_zone,
    "history_limit": _check_history_limit,
    "key_age_days": _check_key_age_days,
    "last_workspace": _opt_str,
    "ui_state": _check_ui_state,
}


def from_dict(data: dict[str, Any]) -> tuple[AppSettings, list[str]]:
    """Settings from stored JSON: invalid fields fall back to their defaults and are listed."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, check in _CHECKS.items():
        if name not in data:
            continue
        try:
            values[name] = check(data[name])
        except ValueError as exc:
            problems.append(f"'{name}' {exc}")
    return AppSettings(**values), problems


def validate(settings: AppSettings) -> AppSettings:
    """A cleaned copy of ``settings`` or ``ConfigError`` naming the first bad field in plain words."""
    values: dict[str, Any] = {}
    for name, check in _CHECKS.items():
        try:
            values[name] = check(getattr(settings, name))
        except ValueError as exc:
            raise ConfigError(f"Setting '{name}' {exc}.") from exc
    ca_file = values["ca_file"]
    if ca_file is not None and not Path(ca_file).expanduser().is_file():
        raise ConfigError(f"The CA certificate file '{ca_file}' does not exist.")
    return AppSettings(**values)


def to_dict(settings: AppSettings) -> dict[str, Any]:
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    data.update(dataclasses.asdict(settings))
    return data


class SettingsStore:
    """Reads and writes ``settings.json`` under the config dir (blocking I/O: use a thread in the GUI).

    After ``load()``, ``problem``/``recovered_backup`` say whether the file was broken and moved aside.
    """

    def __init__(self, path: Path | None = None) -> None:
        self._path = path if path is not None else paths.config_dir() / FILE_NAME
        self._lock = FileLock(self._path)
        self.problem: str | None = None
        self.recovered_backup: Path | None = None

    @property
    def path(self) -> Path:
        return self._path

    def load(self) -> AppSettings:
        """The saved settings, or defaults. Never fails because of a broken file."""
        with self._lock.hold():
            return self._load_locked()

    def save(self, settings: AppSettings) -> None:
        """Validate and write ``settings`` atomically (``ConfigError`` if a field is invalid)."""
        clean = validate(settings)
        with self._lock.hold():
            write_json_atomic(self._path, to_dict(clean))

    def update(self, **changes: Any) -> AppSettings:
        """Re-read, apply ``changes`` and save under the lock, so another window's changes survive."""
        with self._lock.hold():
            current = self._load_locked()
            clean = validate(current.replace(**changes))
            write_json_atomic(self._path, to_dict(clean))
        return clean

    def _load_locked(self) -> AppSettings:
        self.problem, self.recovered_backup = None, None
        result = read_json(self._path)
        if result.data is None:
            self.problem, self.recovered_backup = result.problem, result.backup
            return AppSettings()
        settings, problems = from_dict(result.data)
        if problems:
            backup = move_aside(self._path)
            write_json_atomic(self._path, to_dict(settings))
            self.recovered_backup = backup
            self.problem = (
                f"Some settings in {self._path.name} were not valid ({'; '.join(problems)}) and were "
                f"reset to their defaults. The original file was moved aside to {backup}."
            )
        return settings
