"""Fit a saved window size to the screen it opens on (no Qt: sizes are plain (width, height) pairs).

A window saved on a large monitor and reopened on a laptop must not open larger than the screen, and must
not fall back to the default size either (issue 12): it keeps its size where it fits and shrinks where not.
"""

from __future__ import annotations

Size = tuple[int, int]


def parse_size(text: str) -> Size | None:
    """``"1200x760"`` → (1200, 760); anything else (including non-positive sizes) → None."""
    width, sep, height = text.strip().partition("x")
    if not sep or not width.isdigit() or not height.isdigit():
        return None
    size = (int(width), int(height))
    return size if min(size) > 0 else None


def format_size(size: Size) -> str:
    return f"{size[0]}x{size[1]}"


def fit_size(saved: Size, available: Size, minimum: Size = (0, 0)) -> Size:
    """``saved`` shrunk to ``available`` (each side on its own), never below ``minimum`` unless the screen
    itself is smaller."""

    def side(want: int, room: int, least: int) -> int:
        return max(min(want, room), min(least, room))

    return side(saved[0], available[0], minimum[0]), side(saved[1], available[1], minimum[1])
