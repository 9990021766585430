"""The packaged app, as staff get it: ``bash packaging/build.sh`` makes a .deb that installs, works from
``/usr/bin`` (``--version``, ``--help``, ``self-test``, the demo in a real X window) and removes cleanly.

Marked ``packaging`` (CI runs it; ``-m "not packaging"`` leaves it out while working). It installs a
system package, so it runs as root (CI) or with password-less sudo, and it replaces an installed
cio-desktop package. A file lock keeps two runs on one machine from installing at the same time.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cio_desktop import __version__
from cio_desktop.resources import APP_ID, ICON_SIZES

pytestmark = [pytest.mark.packaging, pytest.mark.slow, pytest.mark.timeout(1200)]

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
LOCK = Path("/tmp/cio-desktop-packaging-test.lock")
APT_LOCK_WAIT = ["-o", "DPkg::Lock::Timeout=300"]


def _root_prefix() -> list[str]:
    if os.geteuid() == 0:
        return []
    probe = subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False)
    assert probe.returncode == 0, (
        "the packaging tests install a .deb: run them as root or with password-less sudo "
        '(or leave them out with -m "not packaging")'
    )
    return ["sudo", "-n"]


def _run(cmd: list[str], timeout: float = 600, **kw: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, **kw)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{cmd} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result  # type: ignore[no-any-return]


def _installed() -> bool:
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", "cio-desktop"], capture_output=True, text=True, check=False
    )
    return "install ok installed" in out.stdout


def _assert_removed_cleanly() -> None:
    assert not _installed()
    leftovers = [
        p
        for p in (
            Path("/usr/bin/cio-desktop"),
            Path("/usr/lib/cio-desktop"),
            Path(f"/usr/share/applications/{APP_ID}.desktop"),
            Path(f"/usr/share/metainfo/{APP_ID}.metainfo.xml"),
            Path(f"/usr/share/icons/hicolor/48x48/apps/{APP_ID}.png"),
        )
        if p.exists()
    ]
    assert leftovers == []


@pytest.fixture(scope="module")
def machine_lock() -> Iterator[None]:
    with LOCK.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # waits for another run on this machine to finish
        yield


@pytest.fixture(scope="module")
def deb(machine_lock: None) -> Path:
    """Run the one build command; returns the .deb it made (the build time is printed for the record)."""
    start = time.monotonic()
    _run(["bash", str(ROOT / "packaging" / "build.sh")], timeout=1100, cwd=ROOT)
    print(f"\npackaging/build.sh took {time.monotonic() - start:.0f} s")
    debs = sorted(DIST.glob(f"cio-desktop_{__version__}_*.deb"))
    assert len(debs) == 1, debs
    assert (DIST / "cio-desktop" / "cio-desktop").is_file()
    return debs[0]


def test_apt_installs_the_deb_with_its_dependencies_and_removes_it(deb: Path) -> None:
    sudo = _root_prefix()
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if _installed():
        _run([*sudo, "dpkg", "-r", "cio-desktop"])
    _run([*sudo, "apt-get", *APT_LOCK_WAIT, "install", "-y", "--no-install-recommends", str(deb)], env=env)
    assert _installed()
    assert _run(["/usr/bin/cio-desktop", "--version"]).stdout.strip() == f"cio-desktop {__version__}"
    _run([*sudo, "apt-get", *APT_LOCK_WAIT, "remove", "-y", "cio-desktop"], env=env)
    _assert_removed_cleanly()


@pytest.fixture(scope="module")
def installed(deb: Path) -> Iterator[Path]:
    """The .deb installed with ``dpkg -i``; removed with ``dpkg -r`` afterwards (and checked to be gone)."""
    sudo = _root_prefix()
    _run([*sudo, "dpkg", "-i", str(deb)])
    try:
        yield Path("/usr/bin/cio-desktop")
    finally:
        _run([*sudo, "dpkg", "-r", "cio-desktop"])
        _assert_removed_cleanly()


def test_package_metadata_names_the_libraries_qt_and_the_keyring_need(installed: Path) -> None:
    depends = _run(["dpkg-query", "-W", "-f=${Depends}", "cio-desktop"]).stdout
    for needed in ("libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libfontconfig1", "libdbus-1-3"):
        assert needed in depends
    assert "gnome-keyring" in depends
    assert "dbus-session-bus" in depends


def test_version_and_help_from_usr_bin(installed: Path) -> None:
    assert _run([str(installed), "--version"]).stdout.strip() == f"cio-desktop {__version__}"
    usage = _run([str(installed), "--help"]).stdout
    assert usage.startswith("usage: cio-desktop")
    assert "self-test" in usage


def test_self_test_passes_from_usr_bin(installed: Path) -> None:
    result = _run([str(installed), "self-test"], timeout=300)
    assert result.stdout.strip().splitlines()[-1] == "self-test: all 7 checks passed", result.stdout
    assert "/usr/lib/cio-desktop/_internal/resources" in result.stdout
    assert "SecretService" in result.stdout


def test_demo_opens_in_a_real_x_window_from_usr_bin(
    installed: Path, xvfb_display: str, cio_home: Path
) -> None:
    """The practice workspace (a sandbox child of the frozen app) opens in an X11 window; the app quits."""
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", CIO_DESKTOP_HOME=str(cio_home))
    env.pop("WAYLAND_DISPLAY", None)
    result = _run([str(installed), "--demo", "--exit-when-ready"], timeout=120, env=env)
    assert "Could not load the Qt platform plugin" not in result.stderr
    assert "Traceback" not in result.stderr


def test_menu_entry_and_icons_are_installed(installed: Path) -> None:
    desktop = Path(f"/usr/share/applications/{APP_ID}.desktop")
    entry = desktop.read_text(encoding="utf-8")
    assert "\nName=cio-desktop\n" in entry
    assert "\nExec=cio-desktop\n" in entry
    assert f"\nIcon={APP_ID}\n" in entry
    for size in ICON_SIZES:
        assert Path(f"/usr/share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png").is_file()
    assert Path(f"/usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg").is_file()
    assert os.access(installed, os.X_OK)
