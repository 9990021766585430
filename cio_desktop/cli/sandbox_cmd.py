"""``cio-desktop sandbox``: placeholder until its issue lands."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``sandbox`` sub-command to ``sub``."""
    sub.add_parser("sandbox", help="(not yet available)")
