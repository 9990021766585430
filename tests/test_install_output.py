"""The first README command installs quietly and ends with one line saying what to do next (issue 12).

A real install needs the package index (no network in tests), so this checks what made it noisy: the
deprecated ``project.license`` table (one setuptools warning box per build step), the "Editable
installation" notice box, and the closing line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_license_is_an_spdx_string_with_a_setuptools_that_reads_it() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["license"] == "MIT", "a table here prints a BuildBackendWarning box per build step"
    requires = data["build-system"]["requires"]
    setuptools = next(r for r in requires if r.startswith("setuptools"))
    match = re.fullmatch(r"setuptools>=(\d+)", setuptools)
    assert match is not None
    assert int(match.group(1)) >= 77, "the SPDX string form needs setuptools 77 or newer"


def test_bootstrap_hides_the_editable_notice_and_ends_with_what_to_do_next() -> None:
    script = (ROOT / "packaging" / "bootstrap.sh").read_text(encoding="utf-8")
    assert 'PYTHONWARNINGS="ignore:Editable installation:UserWarning"' in script
    assert script.count("pip install -q") >= 3, "pip itself stays quiet"
    last = [line for line in script.splitlines() if line.strip()][-1]
    assert last.startswith('echo "bootstrap: ready')
    assert "$next" in last
    assert "start the app with:" in script
    assert "run the checks with: bash tests/run.sh" in script
