"""``cio-desktop workspace``: placeholder until its issue lands."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``workspace`` sub-command to ``sub``."""
    sub.add_parser("workspace", help="(not yet available)")
