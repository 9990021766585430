"""``cio-desktop lookup``: placeholder until its issue lands."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``lookup`` sub-command to ``sub``."""
    sub.add_parser("lookup", help="(not yet available)")
