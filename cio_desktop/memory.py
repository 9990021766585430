"""Keep glibc from holding on to memory the app no longer uses.

glibc gives each thread that allocates its own malloc arena (up to 8 per core) and rarely returns their
memory. The GUI's worker threads (keyring calls, the history writer, file reads) each leave an arena behind,
which grew the app by about 60 MB over a working day of 10,000 calls; with two arenas it stays within
about 20 MB (benchmarks/workday.py). No effect, and no error, where glibc is not the C library.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_ARENA_MAX = -8  # mallopt parameter, from glibc's malloc.h


def cap_malloc_arenas(arenas: int = 2) -> bool:
    """Limit glibc to ``arenas`` malloc arenas (call before worker threads start); True if it took."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, arenas))
