"""``cio-desktop history``: placeholder until its issue lands."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``history`` sub-command to ``sub``."""
    sub.add_parser("history", help="(not yet available)")
