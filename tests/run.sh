#!/usr/bin/env bash
# Run every check CI runs: ruff, mypy, then the whole pytest suite inside a private D-Bus session with
# a real, unlocked Secret Service (gnome-keyring) and headless Qt. Extra arguments go to pytest.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
venv="${CIO_VENV:-$here/.venv}"
export PATH="$venv/bin:$PATH"
export QT_QPA_PLATFORM=offscreen
unset DISPLAY WAYLAND_DISPLAY || true

echo "== ruff"
ruff check .
ruff format --check .
echo "== mypy"
mypy
echo "== pytest"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# gnome-keyring keeps its login keyring under XDG_DATA_HOME: a fresh one per run, never the user's.
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
export XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# An empty line on stdin creates and unlocks the login keyring (no newline would leave it locked).
# CIO_TEST_KEYRING tells tests/conftest.py that this session's keyring may be restarted the same way.
export CIO_TEST_KEYRING=1
exec dbus-run-session -- sh -c 'echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec python -m pytest "$@"' pytest -p no:cacheprovider "$@"
