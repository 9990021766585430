"""The layer rules (see ARCHITECTURE.md), checked two ways.

Statically, from every module's import statements (``ast``, module level and inside functions alike):
  * ``ui/`` and ``cli/`` never import each other (``cli`` starts the window through ``app.run_gui``);
  * ``api/`` imports none of ``cli/``, ``ui/``, ``operations/``, ``app``;
  * nothing outside ``ui/`` and ``app.py`` imports PySide6, shiboken6 or qasync;
  * ``ui/`` does not import ``sandbox/`` (the practice workspace's hints come through ``operations``);
  * ``cli/`` and ``ui/`` reach the stores, the keyring and the API clients only through ``operations/``:
    they may import from ``api/`` only its value types (``api.errors``, ``api.exchange``).
And at run time: importing any non-UI module loads no Qt; building the CLI parser loads nothing heavy.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import cio_desktop

PACKAGE = Path(cio_desktop.__file__).parent
QT = ("PySide6", "shiboken6", "qasync")
# What cli/ and ui/ must reach through operations/ (stores, keyring, clients, their libraries).
DOOR_FORBIDDEN = (
    "cio_desktop.workspaces",
    "cio_desktop.secrets",
    "cio_desktop.settings",
    "cio_desktop.jsonfile",
    "cio_desktop.api",
    "keyring",
    "httpx",
    "filelock",
)
# api/ value types a door may show or catch.
DOOR_ALLOWED_API = ("cio_desktop.api.errors", "cio_desktop.api.exchange")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str) -> Iterator[str]:
    """Every module ``source`` (the text of ``module``) imports, absolute, wherever the statement is."""
    package = module if module.count(".") == 0 else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def layer_violations(module: str, imported: str) -> list[str]:
    """The rules ``module`` breaks by importing ``imported`` (empty when it breaks none)."""
    found = []
    door = _within(module, ("cio_desktop.cli", "cio_desktop.ui"))
    if _within(module, ("cio_desktop.ui",)) and _within(imported, ("cio_desktop.cli",)):
        found.append("ui/ imports cli/")
    if _within(module, ("cio_desktop.cli",)) and _within(imported, ("cio_desktop.ui",)):
        found.append("cli/ imports ui/")
    if _within(module, ("cio_desktop.api",)) and _within(
        imported, ("cio_desktop.cli", "cio_desktop.ui", "cio_desktop.operations", "cio_desktop.app")
    ):
        found.append("api/ imports a layer above it")
    if not _within(module, ("cio_desktop.ui", "cio_desktop.app")) and _within(imported, QT):
        found.append("Qt outside ui/ and app.py")
    if _within(module, ("cio_desktop.ui",)) and _within(imported, ("cio_desktop.sandbox",)):
        found.append("ui/ imports sandbox/")
    if door and _within(imported, DOOR_FORBIDDEN) and not _within(imported, DOOR_ALLOWED_API):
        found.append("a door reaches a store, the keyring or a client without operations/")
    return found


def scan(root: Path = PACKAGE) -> list[str]:
    """``module -> import: rule`` for every broken rule under ``root``."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path)
        for imported in set(imports_of(path.read_text(encoding="utf-8"), module)):
            problems += [f"{module} -> {imported}: {rule}" for rule in layer_violations(module, imported)]
    return sorted(problems)


def test_the_tree_keeps_the_layer_rules() -> None:
    assert scan() == []


@pytest.mark.parametrize(
    ("module", "statement", "rule"),
    [
        ("cio_desktop.ui.sidebar", "from cio_desktop.cli.common import fail", "ui/ imports cli/"),
        ("cio_desktop.cli.common", "import cio_desktop.ui.theme", "cli/ imports ui/"),
        ("cio_desktop.api.track", "from cio_desktop.operations import services", "api/ imports a layer"),
        ("cio_desktop.api.track", "from ..cli import output", "api/ imports a layer"),
        ("cio_desktop.operations.send", "from PySide6.QtCore import QTimer", "Qt outside ui/"),
        ("cio_desktop.cli.lookup_cmd", "import qasync", "Qt outside ui/"),
        (
            "cio_desktop.ui.panels.event_panel",
            "from cio_desktop.sandbox.demo import WELL_KNOWN",
            "ui/ imports sandbox/",
        ),
        ("cio_desktop.ui.sidebar", "from cio_desktop.secrets import SecretStore", "a door reaches"),
        ("cio_desktop.cli.send_cmd", "from cio_desktop.api.client import CioClient", "a door reaches"),
        ("cio_desktop.cli.send_cmd", "import keyring", "a door reaches"),
        ("cio_desktop.ui.panels.lookup_panel", "from cio_desktop.workspaces import WorkspaceStore", "a door"),
    ],
)
def test_each_rule_catches_a_planted_import(module: str, statement: str, rule: str) -> None:
    """Each rule fires on a violation planted inside a function (lazy imports count too)."""
    source = f"def later():\n    {statement}\n"
    broken = [v for imported in imports_of(source, module) for v in layer_violations(module, imported)]
    assert any(v.startswith(rule) for v in broken), broken


def test_allowed_imports_pass() -> None:
    for module, statement in [
        ("cio_desktop.cli.lookup_cmd", "from cio_desktop.api.errors import ApiError"),
        ("cio_desktop.ui.panels.inspector_panel", "from cio_desktop.api.exchange import Exchange"),
        ("cio_desktop.ui.main_window", "from cio_desktop.operations.services import Services"),
        ("cio_desktop.operations.services", "from cio_desktop.secrets import SecretStore"),
        ("cio_desktop.cli.sandbox_cmd", "from cio_desktop.sandbox.process import serve_forever"),
    ]:
        assert [v for i in imports_of(statement, module) for v in layer_violations(module, i)] == []


# The composition root starts Qt; everything under ui/ is Qt by definition.
QT_ALLOWED = ("cio_desktop.ui", "cio_desktop.app")


def _non_ui_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(cio_desktop.__path__, prefix="cio_desktop."):
        if not info.name.startswith(QT_ALLOWED):
            names.append(info.name)
    return sorted(names)


def test_non_ui_modules_never_load_qt_or_qasync() -> None:
    modules = _non_ui_modules()
    assert "cio_desktop.cli" in modules
    assert "cio_desktop.workspaces" in modules
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'qasync'))\n"
        "print(json.dumps(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [], "Qt was imported outside cio_desktop.ui"


def test_cli_start_does_not_import_heavy_libraries() -> None:
    """Building the command parser must stay cheap so the window appears fast."""
    code = (
        "import json, sys\n"
        "from cio_desktop.cli import build_parser\n"
        "build_parser()\n"
        "heavy = ('PySide6', 'httpx', 'keyring', 'aiohttp', 'trustme', 'cryptography', 'asyncio')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_gui_fast_path_builds_no_sub_command_parser() -> None:
    """``cio-desktop`` with only GUI options neither imports nor builds the sub-command modules."""
    code = (
        "import json, sys\n"
        "import cio_desktop.app\n"
        "cio_desktop.app.run_gui = lambda **kw: print(json.dumps(kw)) or 0\n"
        "from cio_desktop.cli import main\n"
        "code = main(['--demo', '--exit-when-ready'])\n"
        "cmds = sorted(m for m in sys.modules if m.startswith('cio_desktop.cli.'))\n"
        "print(json.dumps([code, cmds]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    called, result = out.stdout.splitlines()
    assert json.loads(called) == {"demo": True, "exit_when_ready": True}
    assert json.loads(result) == [0, []]


def test_sub_commands_still_parse_after_the_fast_path() -> None:
    """Anything but GUI options takes the full parser: a sub-command or an unknown option."""
    for argv, expected in ((["workspace", "--help"], 0), (["--nope"], 2), (["--help"], 0)):
        run = subprocess.run(
            [sys.executable, "-m", "cio_desktop", *argv], capture_output=True, text=True, check=False
        )
        assert run.returncode == expected, (argv, run.stderr)
        if argv == ["--help"]:
            assert "workspace" in run.stdout  # the sub-commands are listed in the help


BLOCKING_DIALOGS = {
    "QMessageBox": {"question", "warning", "information", "critical", "about"},
    "QFileDialog": {"getSaveFileName", "getOpenFileName", "getOpenFileNames", "getExistingDirectory"},
    "QInputDialog": {"getText", "getInt", "getDouble", "getItem", "getMultiLineText"},
}


def ui_task_problems(source: str) -> list[str]:
    """Ways of running UI work that the one-helper rule forbids: ``asyncSlot`` (tasks start through
    ``ui.tasks.TaskKeeper``) and static dialogs that spin a nested event loop (``run_dialog`` instead)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and node.id == "asyncSlot":
            found.append("asyncSlot")
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr in BLOCKING_DIALOGS.get(node.value.id, ())
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_ui_starts_tasks_one_way_and_never_blocks_in_a_dialog() -> None:
    problems = {
        str(path.relative_to(PACKAGE)): found
        for path in sorted((PACKAGE / "ui").rglob("*.py"))
        if (found := ui_task_problems(path.read_text(encoding="utf-8")))
    }
    assert problems == {}


def test_the_ui_task_rule_catches_planted_code() -> None:
    planted = "@asyncSlot()\nasync def clicked(self):\n    QMessageBox.question(self, 'a', 'b')\n"
    assert ui_task_problems(planted) == ["asyncSlot", "QMessageBox.question"]
