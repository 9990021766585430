"""``cio-desktop --exit-when-ready``: the window opens and quits cleanly, without loading heavy modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CODE = """
import json, sys
import cio_desktop.ui.main_window as mw
heavy = ('httpx', 'keyring', 'aiohttp', 'trustme', 'cryptography')
before_paint = []
show = mw.MainWindow.show
def traced_show(self):
    loaded = {m.split('.')[0] for m in sys.modules}
    before_paint.extend(sorted(loaded & set(heavy + ('filelock',))))
    show(self)
mw.MainWindow.show = traced_show
import cio_desktop.ui.window_flows as flows
at_ready = []
idle = flows.next_idle
def traced_idle():
    if not at_ready:  # the first wait for idle comes right after the ready point
        at_ready.append('filelock' in sys.modules)
    return idle()
flows.next_idle = traced_idle
from cio_desktop.app import run_gui
code = run_gui(exit_when_ready=True)
print(json.dumps({
    "code": code,
    "before_paint": before_paint,
    "heavy": sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}),
    "panels": sorted(m for m in sys.modules if m.startswith('cio_desktop.ui.panels.')),
    "cli": sorted(m for m in sys.modules if m.startswith('cio_desktop.cli.')),
    "filelock_at_ready": at_ready,
}))
"""


def test_exit_when_ready_quits_cleanly_before_loading_heavy_modules(cio_home: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CIO_DESKTOP_HOME=str(cio_home))
    result = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["code"] == 0
    assert outcome["before_paint"] == [], "the first frame needs no file lock, keyring or HTTP library"
    assert outcome["heavy"] == [], "httpx, keyring and aiohttp load after the first paint"
    assert outcome["panels"] == [], "panels load after the first paint"
    assert outcome["cli"] == [], "no sub-command module on the way to the window"
    assert outcome["filelock_at_ready"] == [False], (
        "reading healthy settings and workspace files takes no lock"
    )
