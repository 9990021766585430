"""The sandbox's workspace data: people, activities, messages, segments, and their JSON persistence.

Pure data and look-ups; the Track/App behaviour that changes it lives in ``ops.py``. Not thread-safe:
only the server's event loop touches a ``Workspace``.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_FILE = "sandbox-state.json"
TMP_PREFIX = f".{STATE_FILE}."
STATE_VERSION = 1
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

JsonDict = dict[str, Any]


@dataclass
class Person:
    """One profile. ``attributes`` holds raw JSON values (the App API shows them as strings)."""

    cio_id: str
    id: str | None = None
    email: str | None = None
    attributes: JsonDict = field(default_factory=dict)
    timestamps: dict[str, int] = field(default_factory=dict)
    devices: dict[str, JsonDict] = field(default_factory=dict)
    unsubscribed: bool = False
    topics: dict[str, bool] = field(default_factory=dict)
    segments: set[int] = field(default_factory=set)
    created: int = 0

    def identifiers(self) -> JsonDict:
        """``{email, id, cio_id}`` as the App API shows them (never phone)."""
        return {"email": self.email, "id": self.id, "cio_id": self.cio_id}

    def to_json(self) -> JsonDict:
        data = dict(self.__dict__)
        data["segments"] = sorted(self.segments)
        return data

    @classmethod
    def from_json(cls, data: JsonDict) -> Person:
        data = dict(data)
        data["segments"] = set(data.get("segments", []))
        return cls(**data)


@dataclass
class Workspace:
    """Everything one sandbox workspace holds."""

    workspace_id: int
    name: str
    site_id: str
    track_api_key: str = field(repr=False)
    app_api_key: str = field(repr=False)
    pipelines_write_key: str = field(default="", repr=False)
    people: dict[str, Person] = field(default_factory=dict)
    activities: list[JsonDict] = field(default_factory=list)
    messages: list[JsonDict] = field(default_factory=list)
    segments: dict[int, JsonDict] = field(default_factory=dict)
    topics: list[JsonDict] = field(default_factory=list)
    objects: dict[str, JsonDict] = field(default_factory=dict)
    event_ids: set[str] = field(default_factory=set)
    suppressed: set[str] = field(default_factory=set)
    next_cio: int = 1
    next_delivery: int = 1
    next_seq: int = 0
    _by_id: dict[str, str] = field(default_factory=dict, repr=False)
    _by_email: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    # -- identity indices -------------------------------------------------------------------------

    def reindex(self) -> None:
        """Rebuild the id/email look-up tables from ``people``."""
        self._by_id = {}
        self._by_email = {}
        for person in self.people.values():
            self._index(person)

    def _index(self, person: Person) -> None:
        if person.id is not None:
            self._by_id[person.id] = person.cio_id
        if person.email:
            self._by_email.setdefault(person.email.lower(), []).append(person.cio_id)

    def _unindex(self, person: Person) -> None:
        if person.id is not None and self._by_id.get(person.id) == person.cio_id:
            del self._by_id[person.id]
        if person.email:
            ids = self._by_email.get(person.email.lower(), [])
            if person.cio_id in ids:
                ids.remove(person.cio_id)
            if not ids:
                self._by_email.pop(person.email.lower(), None)

    def by_id(self, value: str) -> Person | None:
        cio = self._by_id.get(value)
        return self.people.get(cio) if cio else None

    def by_email(self, value: str) -> list[Person]:
        """Everyone with this email (case-insensitive), oldest profile first."""
        return [self.people[c] for c in self._by_email.get(value.lower(), []) if c in self.people]

    def by_cio_id(self, value: str) -> Person | None:
        return self.people.get(value.removeprefix("cio_"))

    def by_phone(self, value: str) -> Person | None:
        for person in self.people.values():
            if person.attributes.get("phone") == value:
                return person
        return None

    def add_person(self, person: Person) -> Person:
        self.people[person.cio_id] = person
        self._index(person)
        return person

    def remove_person(self, person: Person) -> None:
        self._unindex(person)
        self.people.pop(person.cio_id, None)

    def set_identity(self, person: Person, *, id: str | None, email: str | None) -> None:
        """Change a person's id and/or email, keeping the indices right."""
        self._unindex(person)
        person.id = id
        person.email = email
        self._index(person)

    def new_cio_id(self) -> str:
        value = f"a3{self.next_cio:06x}"
        self.next_cio += 1
        return value

    def new_delivery_id(self) -> str:
        value = f"RPILAgUBcRhIBqSfeiIwdIYJKxTY{self.next_delivery:06d}"
        self.next_delivery += 1
        return value

    # -- ids ------------------------------------------------------------------------------------

    def seed_rng(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def ulid(self, timestamp: float | None = None) -> str:
        """A ULID-shaped id (26 Crockford base32 characters): time, then a sequence number, then random
        bits, so ids with the same timestamp sort in the order they were made."""
        ms = int((time.time() if timestamp is None else timestamp) * 1000)
        self.next_seq += 1
        value = (ms << 80) | ((self.next_seq & (2**40 - 1)) << 40) | self._rng.getrandbits(40)
        chars = []
        for _ in range(26):
            chars.append(_CROCKFORD[value & 31])
            value >>= 5
        return "".join(reversed(chars))

    # -- persistence ----------------------------------------------------------------------------

    def to_json(self) -> JsonDict:
        return {
            "version": STATE_VERSION,
            "workspace_id": self.workspace_id,
            "name": self.name,
            "site_id": self.site_id,
            "track_api_key": self.track_api_key,
            "app_api_key": self.app_api_key,
            "pipelines_write_key": self.pipelines_write_key,
            "people": [p.to_json() for p in self.people.values()],
            "activities": self.activities,
            "messages": self.messages,
            "segments": list(self.segments.values()),
            "topics": self.topics,
            "objects": self.objects,
            "event_ids": sorted(self.event_ids),
            "suppressed": sorted(self.suppressed),
            "next_cio": self.next_cio,
            "next_delivery": self.next_delivery,
            "next_seq": self.next_seq,
        }

    @classmethod
    def from_json(cls, data: JsonDict) -> Workspace:
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported sandbox state version {data.get('version')!r}")
        ws = cls(
            workspace_id=int(data["workspace_id"]),
            name=str(data["name"]),
            site_id=str(data["site_id"]),
            track_api_key=str(data["track_api_key"]),
            app_api_key=str(data["app_api_key"]),
            pipelines_write_key=str(data.get("pipelines_write_key") or f"sbxcdp{secrets.token_hex(16)}"),
            activities=list(data["activities"]),
            messages=list(data["messages"]),
            segments={int(s["id"]): s for s in data["segments"]},
            topics=list(data["topics"]),
            objects=dict(data.get("objects", {})),
            event_ids=set(data["event_ids"]),
            suppressed=set(data["suppressed"]),
            next_cio=int(data["next_cio"]),
            next_delivery=int(data["next_delivery"]),
            next_seq=int(data.get("next_seq", 0)),
        )
        for raw in data["people"]:
            person = Person.from_json(raw)
            ws.people[person.cio_id] = person
        ws.reindex()
        ws.seed_rng(int(time.time() * 1000))
        return ws


def state_path(state_dir: str | os.PathLike[str]) -> Path:
    return Path(state_dir) / STATE_FILE


def load_workspace(state_dir: str | os.PathLike[str]) -> Workspace | None:
    """The workspace saved in ``state_dir``, or None when there is none yet."""
    path = state_path(state_dir)
    remove_stale_temp_files(state_dir)
    if not path.exists():
        return None
    with contextlib.suppress(OSError):  # files from older versions were 0644: they hold the keys
        os.chmod(path, 0o600)
    try:
        with path.open(encoding="utf-8") as fh:
            return Workspace.from_json(json.load(fh))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(
            f"the sandbox state file {path} is damaged ({exc.__class__.__name__}: {exc})"
        ) from None


def dump_workspace(ws: Workspace) -> str:
    """The workspace as compact JSON text (a snapshot: safe to write from another thread)."""
    return json.dumps(ws.to_json(), separators=(",", ":"))


def write_state(text: str, state_dir: str | os.PathLike[str]) -> None:
    """Write saved JSON text atomically into ``state_dir``: a new 0600 temp file (never a followed
    symlink), flushed to disk, then renamed over the state file; the folder is made 0700. A kill at any
    point leaves either the old file or the new one, never a mix (a stray temp file is removed on load)."""
    path = state_path(state_dir)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # a folder we did not create may belong to someone else
        os.chmod(path.parent, 0o700)
    tmp = path.with_name(f"{TMP_PREFIX}{os.getpid()}.{threading.get_ident()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def remove_stale_temp_files(state_dir: str | os.PathLike[str]) -> None:
    """Delete temp files a killed sandbox left behind (the state file itself is always whole)."""
    for stale in Path(state_dir).glob(f"{TMP_PREFIX}*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def save_workspace(ws: Workspace, state_dir: str | os.PathLike[str]) -> None:
    """Write the workspace atomically into ``state_dir``."""
    write_state(dump_workspace(ws), state_dir)
