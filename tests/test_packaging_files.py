"""Cheap checks of the packaging files that the (slow, root-only) packaging tests do not reach: the spec's
Windows and macOS branches at least compile, and the build scripts parse."""

from __future__ import annotations

import subprocess
from pathlib import Path

PACKAGING = Path(__file__).resolve().parents[1] / "packaging"


def test_spec_compiles_including_its_windows_and_macos_branches() -> None:
    spec = PACKAGING / "cio-desktop.spec"
    source = spec.read_text(encoding="utf-8")
    compile(source, str(spec), "exec")
    for needle in ('sys.platform == "win32"', 'sys.platform == "darwin"', "bundle_identifier=APP_ID"):
        assert needle in source


def test_build_scripts_parse() -> None:
    for script in ("build.sh", "make_deb.sh", "bootstrap.sh", "check_fresh_debian.sh"):
        result = subprocess.run(["bash", "-n", str(PACKAGING / script)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
