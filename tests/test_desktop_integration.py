"""The desktop file and the AppStream metainfo are valid, agree on the app id, and point at real files."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from cio_desktop.resources import APP_ID, resource_root

LINUX = Path(__file__).resolve().parents[1] / "packaging" / "linux"


def test_desktop_file_is_valid_and_uses_the_app_id_icon() -> None:
    desktop = LINUX / f"{APP_ID}.desktop"
    result = subprocess.run(
        ["desktop-file-validate", str(desktop)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # no hints either
    lines = desktop.read_text(encoding="utf-8").splitlines()
    assert f"Icon={APP_ID}" in lines
    assert "Exec=cio-desktop" in lines


def test_metainfo_is_valid_and_its_screenshots_exist_in_the_repository() -> None:
    metainfo = LINUX / f"{APP_ID}.metainfo.xml"
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    root = ET.parse(metainfo).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    images = [el.text or "" for el in root.iter("image")]
    assert images
    for url in images:
        name = url.rsplit("/resources/", 1)[1]
        assert (resource_root() / name).is_file(), url
