"""SecretStore: one OS-keyring item per (workspace id, secret kind), or memory only for this session.

Async on purpose: every keyring call runs in a worker thread with a timeout, so a locked or absent
Secret Service can never hang the event loop. Never writes a secret to disk itself, and refuses
plaintext keyring backends. ``keyring`` is imported lazily (start-up cost). Values are never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from cio_desktop.errors import SESSION_ONLY_HINT, SecretStoreError
from cio_desktop.models import LONG_SECRET_KINDS, MAX_SECRET_PARTS, WORKSPACE_KEY_KINDS, SecretKind

SERVICE_NAME = "cio-desktop"
PROBE_USERNAME = "probe/backend-check"

# Backends that keep secrets encrypted by the operating system. Matched by class name along the MRO
# (no import needed, subclasses count). Everything else is treated as not secure.
SECURE_BACKENDS = frozenset(
    {
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.kwallet.DBusKeyringKWallet4",
        "keyring.backends.Windows.WinVaultKeyring",
        "keyring.backends.macOS.Keyring",
    }
)
FAIL_BACKEND = "keyring.backends.fail.Keyring"
CHAINER_BACKEND = "keyring.backends.chainer.ChainerBackend"

T = TypeVar("T")


class BackendState(StrEnum):
    SECURE = "secure"  # a real OS keyring answered
    INSECURE = "insecure"  # a plaintext or otherwise unsafe backend: refused
    LOCKED = "locked"  # a keyring exists but would not unlock / timed out
    MISSING = "missing"  # no keyring backend at all
    SESSION_ONLY = "session_only"  # the user chose to keep secrets in memory for this run


@dataclass(frozen=True, slots=True)
class BackendStatus:
    """Which backend is in use and, in plain words, what that means for the user."""

    name: str
    state: BackendState
    message: str

    @property
    def secure(self) -> bool:
        return self.state is BackendState.SECURE


def _qualnames(obj: object) -> list[str]:
    return [f"{cls.__module__}.{cls.__qualname__}" for cls in type(obj).__mro__]


def _backend_name(backend: object) -> str:
    name = getattr(type(backend), "name", None)
    return name if isinstance(name, str) and name else type(backend).__name__


def classify_backend(backend: object) -> tuple[BackendState, str]:
    """Judge a keyring backend by its class alone: SECURE (still to be probed), MISSING or INSECURE."""
    names = _qualnames(backend)
    if any(name in SECURE_BACKENDS for name in names):
        return BackendState.SECURE, ""
    name = _backend_name(backend)
    if FAIL_BACKEND in names:
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") and os.name == "posix":
            return BackendState.MISSING, (
                "No system keyring is available: there is no D-Bus session, so the Secret Service "
                "(GNOME Keyring, KWallet) cannot be reached."
            )
        return BackendState.MISSING, (
            "No system keyring is available (no Secret Service, KWallet, macOS Keychain or "
            "Windows Credential Manager was found)."
        )
    if any(n.startswith("keyrings.alt.") for n in names):
        return BackendState.INSECURE, (
            f"The keyring in use ({name}) keeps secrets in a plain or weakly protected file, "
            "so cio-desktop will not store keys there."
        )
    return BackendState.INSECURE, (
        f"The keyring in use ({name}) is not a system keyring that encrypts secrets, "
        "so cio-desktop will not store keys there."
    )


_RESOLVE_LOCK = threading.Lock()  # keyring's first-time detection is not thread-safe
# One keyring call at a time in this process: the Secret Service backend opens a D-Bus session per call,
# and parallel ones now and then fail (ItemNotFoundException, 2 in 400 reads; "failed to answer" in 3 of
# 40 ``workspace list`` runs). Serialised, they cannot race each other.
_CALL_LOCK = threading.Lock()
READ_ATTEMPTS = 3  # a read that still fails for a reason other than keyring's own errors is tried again


def _resolve_backend() -> Any:
    """The backend to use: keyring's choice, or the first secure backend inside a chainer."""
    import keyring  # lazy: ~30-80 ms

    with _RESOLVE_LOCK:
        backend: Any = keyring.get_keyring()
    if CHAINER_BACKEND in _qualnames(backend):
        for inner in type(backend).backends:
            if classify_backend(inner)[0] is BackendState.SECURE:
                return inner
    return backend


def _run_in_daemon_thread(func: Callable[[], T]) -> asyncio.Future[T]:
    """Run ``func`` in a daemon thread. Unlike ``asyncio.to_thread`` a call that never returns (a
    keyring waiting on an unlock prompt nobody sees) cannot block the app from exiting."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(ok: bool, value: Any) -> None:
        if future.done():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def worker() -> None:
        ok: bool
        value: Any
        try:
            value = func()
            ok = True
        except BaseException as exc:  # handed to the awaiting coroutine
            ok, value = False, exc
        # RuntimeError: the loop closed while we were waiting, so nobody listens any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, ok, value)

    threading.Thread(target=worker, name="cio-desktop-keyring", daemon=True).start()
    return future


class SecretStore:
    """Async access to secrets. ``session_only=True`` keeps them in memory for this run only."""

    def __init__(self, *, session_only: bool = False, timeout: float = 10.0) -> None:
        self._session_only = session_only
        self._timeout = timeout
        self._memory: dict[tuple[str, str], str] = {}
        self._backend: Any = None

    @property
    def session_only(self) -> bool:
        return self._session_only

    async def status(self) -> BackendStatus:
        """Which backend is in use and whether it works right now (asks the keyring once)."""
        if self._session_only:
            return BackendStatus(
                "memory (this session only)",
                BackendState.SESSION_ONLY,
                "Secrets are kept in memory for this session only and forgotten when cio-desktop closes.",
            )
        try:
            backend = await self._get_backend()
        except _Unavailable as exc:
            return BackendStatus("unknown", exc.state, exc.message)
        name = _backend_name(backend)
        state, message = classify_backend(backend)
        if state is not BackendState.SECURE:
            return BackendStatus(name, state, message)
        try:
            await self._call(backend, lambda: backend.get_password(SERVICE_NAME, PROBE_USERNAME))
        except _Unavailable as exc:
            return BackendStatus(name, exc.state, exc.message)
        return BackendStatus(name, BackendState.SECURE, f"Secrets are kept in the system keyring ({name}).")

    def use_session_only(self) -> None:
        """Switch to memory-only storage for the rest of this run (the user's explicit choice)."""
        self._session_only = True

    async def get(self, workspace_id: str, kind: SecretKind) -> str | None:
        return await self.get_item(workspace_id, SecretKind(kind).value)

    async def get_item(self, workspace_id: str, name: str) -> str | None:
        """One named item of the workspace (a kind's value, or a part of a long token: ``kind.2``)."""
        user = _username(workspace_id, name)
        if self._session_only:
            return self._memory.get((workspace_id, name))
        backend = await self._secure_backend()
        value: str | None = await self._call_mapped(
            backend, lambda: backend.get_password(SERVICE_NAME, user), attempts=READ_ATTEMPTS
        )
        return value

    async def stored(
        self, workspace_id: str, kinds: Iterable[SecretKind] = WORKSPACE_KEY_KINDS
    ) -> dict[SecretKind, str]:
        """The secrets of ``kinds`` stored for the workspace (only those present), looked up one by one."""
        found: dict[SecretKind, str] = {}
        for kind in kinds:
            value = await self.get(workspace_id, kind)
            if value:
                found[kind] = value
        return found

    async def set(self, workspace_id: str, kind: SecretKind, value: str) -> None:
        await self.set_item(workspace_id, SecretKind(kind).value, value)

    async def set_item(self, workspace_id: str, name: str, value: str) -> None:
        """Store one named item (see :meth:`get_item`)."""
        if not value:
            raise SecretStoreError("An empty key cannot be saved.")
        user = _username(workspace_id, name)
        if self._session_only:
            self._memory[(workspace_id, name)] = value
            return
        backend = await self._secure_backend()
        await self._call_mapped(backend, lambda: backend.set_password(SERVICE_NAME, user, value))

    async def delete(self, workspace_id: str, kind: SecretKind) -> None:
        """Forget one secret; deleting one that is not there is not an error."""
        await self.delete_item(workspace_id, SecretKind(kind).value)

    async def delete_item(self, workspace_id: str, name: str) -> None:
        """Forget one named item; deleting one that is not there is not an error."""
        user = _username(workspace_id, name)
        if self._session_only:
            self._memory.pop((workspace_id, name), None)
            return
        backend = await self._secure_backend()

        def delete() -> None:
            import keyring.errors

            with contextlib.suppress(keyring.errors.PasswordDeleteError):  # nothing stored: fine
                backend.delete_password(SERVICE_NAME, user)

        await self._call_mapped(backend, delete)

    async def delete_all(self, workspace_id: str) -> None:
        """Forget every secret of the workspace, including the extra parts of long tokens."""
        for kind in SecretKind:
            await self.delete(workspace_id, kind)
        for kind in LONG_SECRET_KINDS:  # both sets of parts a long token may use (cio_desktop.oauth)
            for names in (
                [f"{kind.value}.{part}" for part in range(2, MAX_SECRET_PARTS + 1)],
                [f"{kind.value}.b{part}" for part in range(1, MAX_SECRET_PARTS + 1)],
            ):
                # Parts are always a run from the first (they are trimmed from the last one down), so
                # the first missing part ends the run: a slow keyring is not asked for items never made.
                for name in names:
                    if await self.get_item(workspace_id, name) is None:
                        break
                    await self.delete_item(workspace_id, name)

    async def present(self, workspace_id: str) -> dict[SecretKind, bool]:
        """Which kinds are stored for the workspace (never the values)."""
        if not self._session_only:
            await self._secure_backend()  # detect the backend once, not once per kind
        kinds = WORKSPACE_KEY_KINDS  # sign-ins live under their own owner ids (cio_desktop.oauth)
        values = await asyncio.gather(*(self.get(workspace_id, kind) for kind in kinds))
        return {kind: bool(value) for kind, value in zip(kinds, values, strict=True)}

    async def stored_ids(
        self, *, settled_s: float = 0.0, kinds: Iterable[SecretKind] = WORKSPACE_KEY_KINDS
    ) -> frozenset[str] | None:
        """The ids that have at least one item of ``kinds`` (``<id>/<SecretKind>``; by default workspace
        keys, not sign-ins), counting only items written more than ``settled_s`` seconds ago (so another
        process's add in flight is not taken for an orphan).

        ``None`` when the backend cannot list its items: only the Secret Service (and memory) can.
        """
        keys = {kind.value for kind in kinds}
        if self._session_only:
            return frozenset(owner for owner, name in self._memory if name in keys)
        backend = await self._secure_backend()
        if not hasattr(backend, "get_preferred_collection") or not hasattr(backend, "_query"):
            return None

        def list_ids() -> frozenset[str]:
            import time
            from contextlib import closing

            username_key = backend.schemes[backend.scheme]["username"]
            collection = backend.get_preferred_collection()
            found: list[str] = []
            with closing(collection.connection):
                for item in collection.search_items(backend._query(SERVICE_NAME)):
                    username = str(item.get_attributes().get(username_key, ""))
                    owner, _sep, kind = username.partition("/")
                    if kind not in keys or owner == "probe":  # only workspace keys, never anything else
                        continue
                    if time.time() - item.get_created() >= settled_s:
                        found.append(owner)
            return frozenset(found)

        ids: frozenset[str] = await self._call_mapped(backend, list_ids)
        return ids

    # -- internals -------------------------------------------------------------------------------

    async def _get_backend(self) -> Any:
        """keyring's backend, detected once per store (off the loop, with the timeout)."""
        if self._backend is None:
            try:
                self._backend = await asyncio.wait_for(
                    _run_in_daemon_thread(_resolve_backend), timeout=self._timeout
                )
            except TimeoutError:
                raise _Unavailable(
                    BackendState.LOCKED,
                    f"The system keyring did not answer within {self._timeout:g} seconds.",
                    "keyring backend detection timed out",
                ) from None
            except Exception as exc:  # a broken keyring configuration or backend package
                raise _Unavailable(
                    BackendState.MISSING, "No usable system keyring could be set up.", _detail(exc)
                ) from None
        return self._backend

    async def _secure_backend(self) -> Any:
        try:
            backend = await self._get_backend()
        except _Unavailable as exc:
            raise SecretStoreError(exc.message, detail=exc.detail) from None
        state, message = classify_backend(backend)
        if state is not BackendState.SECURE:
            raise SecretStoreError(f"{message} {SESSION_ONLY_HINT}", detail=f"backend state: {state}")
        return backend

    async def _call_mapped(self, backend: Any, func: Callable[[], T], *, attempts: int = 1) -> T:
        try:
            return await self._call(backend, func, attempts=attempts)
        except _Unavailable as exc:
            raise SecretStoreError(exc.message, detail=exc.detail) from None

    async def _call(self, backend: Any, func: Callable[[], T], *, attempts: int = 1) -> T:
        """Run one keyring call off the loop with the timeout, one call at a time in the process; map
        keyring's errors to plain words. With ``attempts`` > 1 (reads only: they change nothing), a
        backend failure that is not one of keyring's own errors is retried inside the same thread."""
        import keyring.errors  # lazy

        name = _backend_name(backend)

        def serialised() -> T:
            with _CALL_LOCK:
                for attempt in range(1, attempts + 1):
                    try:
                        return func()
                    except keyring.errors.KeyringError:
                        raise  # locked, missing, refused: trying again will not help
                    except Exception:
                        if attempt == attempts:
                            raise
                raise AssertionError("unreachable")  # the loop returns or raises

        try:
            return await asyncio.wait_for(_run_in_daemon_thread(serialised), timeout=self._timeout)
        except TimeoutError:
            raise _Unavailable(
                BackendState.LOCKED,
                f"The system keyring ({name}) did not answer within {self._timeout:g} seconds; it may "
                "be locked and waiting for a password. Unlock it and try again.",
                "keyring call timed out",
            ) from None
        except keyring.errors.NoKeyringError as exc:
            raise _Unavailable(
                BackendState.MISSING, f"No system keyring is available ({name}).", _detail(exc)
            ) from None
        except (keyring.errors.InitError, keyring.errors.KeyringLocked) as exc:
            raise _Unavailable(
                BackendState.LOCKED,
                f"The system keyring ({name}) is locked or could not be opened. Unlock it (for example "
                "by logging in to the desktop) and try again.",
                _detail(exc),
            ) from None
        except keyring.errors.KeyringError as exc:
            raise _Unavailable(
                BackendState.LOCKED, f"The system keyring ({name}) refused the request.", _detail(exc)
            ) from None
        except Exception as exc:  # a backend library failing in its own way (D-Bus, OS errors)
            raise _Unavailable(
                BackendState.LOCKED, f"The system keyring ({name}) failed to answer.", _detail(exc)
            ) from None


class _Unavailable(Exception):
    """Internal: the keyring could not serve a call; carries the state and plain words."""

    def __init__(self, state: BackendState, message: str, detail: str) -> None:
        super().__init__(message)
        self.state = state
        self.message = message
        self.detail = detail


def _username(workspace_id: str, name: str) -> str:
    if not workspace_id or "/" in workspace_id:
        raise SecretStoreError("Invalid workspace id for the keyring.", detail="empty id or '/' in id")
    if not name or "/" in name:
        raise SecretStoreError("Invalid item name for the keyring.", detail="empty name or '/' in name")
    return f"{workspace_id}/{name}"


def _detail(exc: BaseException) -> str:
    """Technical detail for an error: the exception type and keyring's text (it never holds values)."""
    return f"{type(exc).__module__}.{type(exc).__name__}: {exc}"[:500]
