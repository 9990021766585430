"""ULIDs for event ids: 48-bit millisecond time + 80 random bits, Crockford base32, 26 characters.

Customer.io de-duplicates events by ``id``, so giving every event a ULID makes a retry harmless.
Ids made in the same millisecond by this process sort in creation order (the random part is bumped).
"""

from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_lock = threading.Lock()
_last_ms = -1
_last_rand = 0


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_ulid(now_ms: int | None = None) -> str:
    """A new ULID string (monotonic within this process for the same millisecond)."""
    global _last_ms, _last_rand
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    with _lock:
        if ms == _last_ms:
            _last_rand = (_last_rand + 1) & ((1 << 80) - 1)
        else:
            _last_ms = ms
            _last_rand = int.from_bytes(os.urandom(10), "big")
        rand = _last_rand
    return _encode(ms & ((1 << 48) - 1), 10) + _encode(rand, 16)


def ulid_time_ms(value: str) -> int:
    """The millisecond timestamp inside a ULID (raises ValueError if it is not one)."""
    if len(value) != 26:
        raise ValueError("not a ULID")
    out = 0
    for ch in value[:10].upper():
        out = out * 32 + _ALPHABET.index(ch)
    return out
