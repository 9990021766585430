"""The loopback redirect listener (RFC 8252 §7.3), hand-written on asyncio streams.

- Listens on ``127.0.0.1`` only, on port 0 or a remembered port, and only while one sign-in runs.
- Until :meth:`LoopbackListener.arm` (the browser was opened) every request gets 404: nothing can end a
  flow that has not started.
- Only ``GET`` of the exact callback path may end the flow; other paths get 404, other methods 405, an
  over-long request 431, and the flow goes on. The request is judged by ``judge`` (the flow's check of
  state, ``iss``, code): a rejected callback gets 400 and the flow goes on.
- The first accepted callback wins; later ones get 409. Every answer is a static page with no external
  assets, escaped text, ``Referrer-Policy: no-referrer`` and ``Connection: close``.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

HOST = "127.0.0.1"
CALLBACK_PATH = "/oauth/callback"
MAX_HEAD = 16 * 1024  # request line + headers; a 100 kB query is refused, not buffered
READ_TIMEOUT_S = 10.0

T = TypeVar("T")


class CallbackRejected(Exception):
    """The callback is not acceptable (wrong state, missing code, ...): 400, the flow goes on."""


@dataclass(frozen=True, slots=True)
class Page:
    status: int
    title: str
    text: str


def render(page: Page) -> bytes:
    """A complete HTTP response for a static page (escaped text, no external assets)."""
    reasons = {
        200: "OK",
        400: "Bad Request",
        404: "Not Found",
        405: "Method Not Allowed",
        409: "Conflict",
        431: "Request Header Fields Too Large",
    }
    body = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(page.title)}</title>"
        "<style>body{font:16px system-ui,sans-serif;margin:4em auto;max-width:36em;padding:0 1em}</style>"
        f"</head><body><h1>{html.escape(page.title)}</h1><p>{html.escape(page.text)}</p>"
        "<p>You can close this tab and return to cio-desktop.</p></body></html>"
    ).encode()
    head = (
        f"HTTP/1.1 {page.status} {reasons.get(page.status, 'Error')}\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Referrer-Policy: no-referrer\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
        + ("Allow: GET\r\n" if page.status == 405 else "")
        + "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


NOT_FOUND = Page(404, "Not found", "This address is not part of a cio-desktop sign-in.")
NOT_YET = Page(404, "Not found", "cio-desktop is not waiting for a sign-in here yet.")
NOT_ALLOWED = Page(405, "Not allowed", "This address only answers the browser's return from signing in.")
TOO_LONG = Page(431, "Request too large", "The request was too large and was ignored.")
ALREADY = Page(409, "Already signed in", "This sign-in has already finished.")


def single_params(query: str) -> dict[str, str]:
    """The query's parameters; a repeated or undecodable parameter is refused (RFC 6749 §3.1)."""
    try:
        parsed = parse_qs(query, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise CallbackRejected("The return address is not valid.") from None
    repeated = sorted(k for k, v in parsed.items() if len(v) > 1)
    if repeated:
        raise CallbackRejected("The return address repeats a parameter, so it was refused.")
    return {k: v[0] for k, v in parsed.items()}


class LoopbackListener(Generic[T]):
    """One sign-in's redirect listener. ``judge(params)`` returns the flow's result or raises
    ``CallbackRejected`` (answered 400, the flow goes on); any other exception ends the flow with it."""

    def __init__(
        self,
        judge: Callable[[dict[str, str]], T],
        *,
        port: int = 0,
        path: str = CALLBACK_PATH,
        success: Page = Page(200, "Signed in", "cio-desktop received your sign-in."),
    ) -> None:
        self._judge = judge
        self._port = port
        self.path = path
        self._success = success
        self._server: asyncio.Server | None = None
        self._armed = False
        self.result: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._conns: set[asyncio.Task[None]] = set()
        self.rejected: list[str] = []  # plain words for each refused callback (shown while waiting)

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def redirect_uri(self) -> str:
        return f"http://{HOST}:{self.port}{self.path}"

    async def start(self) -> None:
        """Listen on 127.0.0.1 (``OSError`` when a remembered port is taken)."""
        # asyncio's default SO_REUSEADDR on POSIX lets a remembered port be bound again while the last
        # sign-in's connections sit in TIME_WAIT (it never allows two listeners); not set on Windows.
        self._server = await asyncio.start_server(self._serve, HOST, self._port, limit=MAX_HEAD)

    def arm(self) -> None:
        """From now on a callback may end the flow (call right before opening the browser)."""
        self._armed = True

    def settle(self, value: T | BaseException) -> bool:
        """End the flow from outside (a pasted address, cancel): True if this was the first result."""
        if self.result.done():
            return False
        if isinstance(value, BaseException):
            self.result.set_exception(value)
        else:
            self.result.set_result(value)
        return True

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._conns):
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            self._server = None
        if not self.result.done():
            self.result.cancel()
        elif not self.result.cancelled():
            self.result.exception()  # mark as retrieved: no "never retrieved" warning

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._conns.add(task)
        try:
            page = await self._answer(reader)
            writer.write(render(page))
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.drain(), READ_TIMEOUT_S)
        except asyncio.CancelledError:
            pass
        except Exception:  # a broken connection must never end or crash the flow
            pass
        finally:
            writer.close()
            if task is not None:
                self._conns.discard(task)

    async def _answer(self, reader: asyncio.StreamReader) -> Page:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_S)
        except (asyncio.LimitOverrunError, ValueError):
            return TOO_LONG
        except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
            return Page(400, "Bad request", "The request was incomplete.")
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            return Page(400, "Bad request", "The request was not understood.")
        method, target = parts[0], parts[1]
        url = urlsplit(target)
        if url.path != self.path:
            return NOT_FOUND
        if method != "GET":
            return NOT_ALLOWED
        if not self._armed:
            return NOT_YET
        if self.result.done():
            return ALREADY
        try:
            value = self._judge(single_params(url.query))
        except CallbackRejected as exc:
            self.rejected.append(str(exc))
            return Page(400, "Sign-in not accepted", str(exc))
        except Exception as exc:  # e.g. the server's error=access_denied: the flow ends with it
            self.settle(exc)
            return Page(200, "Sign-in did not complete", str(exc))
        if not self.settle(value):
            return ALREADY
        return self._success
