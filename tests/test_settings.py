"""SettingsStore: defaults, round trip, validation and recovery from a broken settings file."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from cio_desktop.errors import ConfigError
from cio_desktop.settings import AppSettings, SettingsStore


def test_defaults_when_there_is_no_file(cio_home: Path) -> None:
    store = SettingsStore()
    assert store.path == cio_home / "config" / "settings.json"
    settings = store.load()
    assert settings == AppSettings()
    assert settings.theme == "system"
    assert settings.timeout_s == 30
    assert settings.history_limit == 1000
    assert store.problem is None
    assert not store.path.exists()  # reading never creates files


def test_round_trip_in_a_private_file() -> None:
    store = SettingsStore()
    wanted = AppSettings(
        proxy="http://proxy.corp:3128",
        timeout_s=12.5,
        connect_timeout_s=3,
        theme="dark",
        history_limit=50,
        last_workspace="Production",
        ui_state={"main_window/geometry": "AdnQywADAAAAAA=="},
    )
    store.save(wanted)
    assert SettingsStore().load() == wanted
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert json.loads(store.path.read_text(encoding="utf-8"))["schema_version"] == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"theme": "neon"}, "system, light or dark"),
        ({"timeout_s": 0}, "between 0 and 3600"),
        ({"history_limit": -1}, "whole number"),
        ({"proxy": "proxy.corp:3128"}, "address such as"),
        ({"proxy": "http://user:secret@proxy.corp:3128"}, "must not contain a password"),
        ({"ca_file": "/no/such/corp-ca.pem"}, "does not exist"),
    ],
)
def test_invalid_settings_are_refused_and_the_file_is_unchanged(
    changes: dict[str, object], message: str
) -> None:
    store = SettingsStore()
    store.save(AppSettings(theme="light"))
    before = store.path.read_bytes()
    with pytest.raises(ConfigError, match=message):
        store.save(AppSettings().replace(**changes))
    assert store.path.read_bytes() == before


def test_update_keeps_changes_made_by_another_window() -> None:
    first, second = SettingsStore(), SettingsStore()
    first.update(theme="dark")
    second.update(ui_state={"splitter": "1,2"})
    result = SettingsStore().load()
    assert result.theme == "dark"
    assert result.ui_state == {"splitter": "1,2"}


def test_broken_file_is_moved_aside_and_defaults_are_used() -> None:
    store = SettingsStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_bytes(b'{"theme": "dark",')
    assert store.load() == AppSettings()
    assert store.recovered_backup is not None
    assert store.recovered_backup.read_bytes() == b'{"theme": "dark",'
    assert store.recovered_backup.name.startswith("settings.json.corrupt-")
    assert store.problem is not None
    assert str(store.recovered_backup) in store.problem
    store.save(AppSettings(theme="light"))  # the app goes on normally
    assert SettingsStore().load().theme == "light"


def test_bad_fields_fall_back_to_defaults_and_good_ones_are_kept() -> None:
    store = SettingsStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps({"schema_version": 1, "theme": "dark", "timeout_s": "fast", "history_limit": 10})
    store.path.write_text(raw, encoding="utf-8")
    settings = store.load()
    assert settings.theme == "dark"
    assert settings.history_limit == 10
    assert settings.timeout_s == AppSettings().timeout_s
    assert store.problem is not None
    assert "'timeout_s'" in store.problem
    assert store.recovered_backup is not None
    assert store.recovered_backup.read_text(encoding="utf-8") == raw
    assert SettingsStore().load() == settings  # the cleaned file now loads without complaint
