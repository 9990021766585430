"""Saved window sizes fit the screen instead of being dropped (issue 12)."""

from __future__ import annotations

from cio_desktop.window_fit import fit_size, format_size, parse_size


def test_a_size_that_fits_is_kept_and_a_larger_one_shrinks_side_by_side() -> None:
    assert fit_size((1200, 760), (1920, 1050)) == (1200, 760)
    assert fit_size((2400, 1400), (1366, 740)) == (1366, 740)
    assert fit_size((1000, 1400), (1366, 740)) == (1000, 740)


def test_the_minimum_is_kept_unless_the_screen_is_smaller() -> None:
    assert fit_size((300, 200), (1366, 740), (800, 500)) == (800, 500)
    assert fit_size((300, 200), (640, 480), (800, 500)) == (640, 480)


def test_sizes_read_and_written_as_text() -> None:
    assert parse_size(format_size((1024, 640))) == (1024, 640)
    for bad in ("", "x", "12x", "0x5", "-1x5", "axb", "10x10x10"):
        assert parse_size(bad) is None
