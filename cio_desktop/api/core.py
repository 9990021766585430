"""The request engine under ``CioClient``: one call = auth, limiter, retries, timings, redacted history
record, and translation of failures into ``cio_desktop.api.errors``.

How each API authenticates, and whether its calls pass through a per-key rate limiter, comes from its
descriptor (``cio_desktop.api.apis``). Every attempt (including retries and failures) becomes one
``Exchange``.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from cio_desktop.api import errors as E
from cio_desktop.api.apis import spec_for
from cio_desktop.api.auth import AuthStrategy
from cio_desktop.api.exchange import Exchange
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.limiter import RateLimiter, limiter_for_key
from cio_desktop.api.models import ApiResult, Credentials, NetworkSettings
from cio_desktop.api.redact import Redactor
from cio_desktop.api.retry import RetryPolicy, never_retry
from cio_desktop.api.timing import RequestTimer
from cio_desktop.api.transport import MAX_CONNECTIONS
from cio_desktop.api.ulid import new_ulid
from cio_desktop.models import Workspace

if TYPE_CHECKING:
    import httpx

_BACKGROUND: ContextVar[bool] = ContextVar("cio_background_calls", default=False)


@contextmanager
def background_calls() -> Iterator[None]:
    """Calls made inside (in this task) are kept in the request history only when they fail: polling in
    the background (the live activity stream) must not push the user's own calls out of the history."""
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


MAX_BODY_CHARS = 64 * 1024  # per body kept in the history (redacted first, then cut)
Params = Mapping[str, str | int | float | bool | None]


class Engine:
    """Sends requests for one workspace over one shared ``httpx.AsyncClient``."""

    def __init__(
        self,
        workspace: Workspace,
        credentials: Credentials,
        *,
        http: httpx.AsyncClient,
        history: RequestHistory | None,
        settings: NetworkSettings,
        retry: RetryPolicy,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.workspace = workspace
        self.http = http
        self.history = history
        self.settings = settings
        self.retry = retry
        self._sleep = sleep
        self._rng = random.Random()
        self._fixed_limiter = limiter
        self._redactor: Redactor | None = None
        self._redactor_key: tuple[str, ...] = ()
        # At most as many requests in httpx as it has connections: httpcore's pool scans every queued
        # request against every connection on each event, so 800 queued lookups cost seconds of CPU.
        self._sending = asyncio.Semaphore(MAX_CONNECTIONS)
        self.credentials = credentials

    # ---- credentials and auth ---------------------------------------------------------------------
    @property
    def credentials(self) -> Credentials:
        return self._credentials

    @credentials.setter
    def credentials(self, value: Credentials) -> None:
        """New keys take effect from the next attempt; a call already sent keeps its header."""
        self._credentials = value
        self._strategies: dict[tuple[str, str | None], AuthStrategy] = {}

    def strategy(self, api: str) -> AuthStrategy:
        """How ``api``'s calls authenticate; ``MissingCredentialsError`` when a key it needs is missing."""
        key = (api, self.workspace.site_id)
        found = self._strategies.get(key)
        if found is None:
            found = self._strategies[key] = spec_for(api).auth(self.workspace, self._credentials)
        return found

    def limiter(self, api: str) -> RateLimiter | None:
        """The shared rate limiter of the key ``api``'s calls use, when that API has a published limit."""
        spec = spec_for(api)
        limit = spec.rate_limit
        if limit is None:
            return None
        if self._fixed_limiter is not None:
            return self._fixed_limiter
        key = next((self._credentials.get(k) for k in spec.kinds if self._credentials.get(k)), None)
        return limiter_for_key(
            key or f"token:{api}:{self.workspace.id}", max_calls=limit.max_calls, period_s=limit.period_s
        )

    @property
    def redactor(self) -> Redactor:
        """Redacts every secret held now (rebuilt when a token was renewed or the keys changed)."""
        values = self._credentials.secret_values()
        for strategy in self._strategies.values():
            values += strategy.secret_values()
        key = tuple(values)
        if self._redactor is None or key != self._redactor_key:
            self._redactor = Redactor(
                values, basic_pairs=[(self.workspace.site_id or "", self._credentials.track_api_key or "")]
            )
            self._redactor_key = key
        return self._redactor

    # ---- one call ---------------------------------------------------------------------------------
    async def call(
        self,
        api: str,
        base: str,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        idempotent: bool,
        operation: str,
        region: str | None = None,
        headers: Mapping[str, str] | None = None,
        gzip: bool = False,
    ) -> ApiResult:
        """Send ``method base+path`` and return the parsed result, or raise an ``ApiError``.

        ``headers`` are added to the request; ``gzip`` compresses a JSON body (``Content-Encoding: gzip``;
        the history keeps the readable JSON).
        """
        strategy = self.strategy(api)
        url = base + path
        _check_transport(method, url)
        clean_params = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        content = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        plain = content
        sent_headers = {"Authorization": "", **(headers or {})}
        if content is not None:
            sent_headers["Content-Type"] = "application/json"
            if gzip:
                import gzip as gzip_module

                content = gzip_module.compress(content, mtime=0)
                sent_headers["Content-Encoding"] = "gzip"
        may_retry = idempotent and not never_retry(path)
        waited = 0.0
        attempt = 0
        renewed = False
        limiter = self.limiter(api)
        # One total deadline for the whole call, retries included: httpx's timeout is per read, so an
        # answer trickling in byte by byte could otherwise hold a call for minutes.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.timeout_s
        while True:
            attempt += 1
            sent_headers["Authorization"] = await strategy.authorization()
            if limiter is not None:
                await limiter.acquire()
            try:
                outcome = await self._attempt(
                    api,
                    method,
                    url,
                    clean_params,
                    sent_headers,
                    content,
                    operation,
                    attempt,
                    region,
                    plain,
                    deadline,
                )
            finally:
                if limiter is not None:
                    limiter.release()
            if isinstance(outcome, ApiResult):
                return outcome
            error, retry_after, retryable = outcome
            if isinstance(error, E.AuthError) and error.status == 401 and not renewed:
                renewed = True  # a token may have expired under us: renew once, then try again at once
                if await strategy.after_unauthorized(sent_headers["Authorization"]):
                    continue
            delay = (
                self.retry.next_delay(attempt, waited, retry_after, self._rng)
                if may_retry and retryable
                else None
            )
            if delay is None or loop.time() + delay >= deadline:
                raise error
            waited += delay
            sent_headers["X-Retry-Count"] = str(attempt)
            await self._sleep(delay)

    async def _attempt(
        self,
        api: str,
        method: str,
        url: str,
        params: dict[str, str],
        headers: dict[str, str],
        content: bytes | None,
        operation: str,
        attempt: int,
        region: str | None,
        plain: bytes | None,
        deadline: float,
    ) -> ApiResult | tuple[E.ApiError, float | None, bool]:
        import httpx

        timer = RequestTimer()
        started = datetime.now().astimezone()
        try:
            request = self.http.build_request(
                method,
                url,
                params=params or None,
                headers=headers,
                content=content,
                extensions=timer.extensions,
            )
        except (httpx.InvalidURL, ValueError) as exc:
            raise E.bad_address(E.endpoint_label(method, url), exc) from None
        endpoint = E.endpoint_label(method, str(request.url))
        exchange_id = new_ulid()
        response: httpx.Response | None = None
        raw = b""
        failure: BaseException | None = None
        total = asyncio.timeout_at(deadline)
        try:
            async with total, self._sending:
                response = await self.http.send(request)
                raw = response.content
        except (httpx.HTTPError, OSError) as exc:  # OSError: e.g. ssl errors, the deadline's TimeoutError
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # The task was cancelled but the transport (httpcore/anyio) turned the cancel into a
                # timeout or a lost connection: honour the cancel instead of reporting or retrying it.
                raise asyncio.CancelledError from None
            failure = exc
        finally:
            timer.finish()

        if failure is not None or response is None:
            assert failure is not None
            if total.expired():
                error: E.ApiError = E.deadline_exceeded(
                    endpoint, self.settings.timeout_s, exchange_id=exchange_id
                )
            else:
                error = E.error_for_exception(
                    failure, endpoint=endpoint, timeout_s=self.settings.timeout_s, exchange_id=exchange_id
                )
            if isinstance(error, E.TlsError) and not error.hostname_mismatch and not self.settings.proxy:
                from cio_desktop.api.tlsinfo import certificate_issuer

                issuer = await certificate_issuer(
                    url, connect_timeout_s=min(3.0, self.settings.connect_timeout_s)
                )
                if issuer:
                    error.add_issuer(issuer)
            await self._record(
                exchange_id, api, operation, attempt, request, plain, started, timer, None, b"", error
            )
            # Worth another try: timeouts and lost connections; not a refused certificate or a bad address.
            retryable = isinstance(error, E.ApiTimeoutError | E.ConnectionFailedError) and not isinstance(
                error, E.TlsError
            )
            return error, None, retryable

        status = response.status_code
        if 200 <= status < 300 and status != 207:
            try:
                data = json.loads(raw) if raw.strip() else None
            except (ValueError, RecursionError):  # RecursionError: nested deeper than json can parse
                error = E.invalid_response(
                    endpoint, status, response.headers, why="body is not valid JSON", exchange_id=exchange_id
                )
                await self._record(
                    exchange_id, api, operation, attempt, request, plain, started, timer, response, raw, error
                )
                return error, None, False
            exchange = await self._record(
                exchange_id, api, operation, attempt, request, plain, started, timer, response, raw, None
            )
            return ApiResult(status=status, data=data, exchange=exchange)

        error = E.error_for_response(
            status,
            response.headers,
            raw,
            api=api,
            endpoint=endpoint,
            region=region,
            exchange_id=exchange_id,
            redact=self.redactor.text,
        )
        if 300 <= status < 400:
            error = E.WrongRegionError(
                E.wrong_region_message(region, None),
                endpoint=endpoint,
                status=status,
                request_id=error.request_id,
                exchange_id=exchange_id,
            )
        await self._record(
            exchange_id, api, operation, attempt, request, plain, started, timer, response, raw, error
        )
        retry_after = error.retry_after if isinstance(error, E.RateLimitedError) else None
        if isinstance(error, E.RateLimitedError) and retry_after is None:
            return error, None, False  # daily quota: waiting a few seconds will not help
        return error, retry_after, self.retry.retryable_status(status)

    # ---- history ----------------------------------------------------------------------------------
    async def _record(
        self,
        exchange_id: str,
        api: str,
        operation: str,
        attempt: int,
        request: httpx.Request,
        plain: bytes | None,
        started: datetime,
        timer: RequestTimer,
        response: httpx.Response | None,
        raw: bytes,
        error: E.ApiError | None,
    ) -> Exchange:
        r = self.redactor
        req_body = plain.decode("utf-8", "replace") if plain else None  # the JSON, even when sent gzipped
        req_ctype = request.headers.get("content-type")
        resp_body: str | None = None
        resp_headers: dict[str, str] = {}
        http_version = "HTTP/1.1"
        if response is not None:
            resp_body = r.body(
                raw.decode("utf-8", "replace") if raw else "", response.headers.get("content-type")
            )
            resp_headers = r.headers(response.headers.multi_items())
            http_version = response.http_version
        exchange = Exchange(
            id=exchange_id,
            workspace=self.workspace.name,
            workspace_id=self.workspace.id,
            method=request.method,
            url=r.url(str(request.url)),
            request_headers=r.headers(request.headers.multi_items()),
            request_body=_cut(r.body(req_body, req_ctype)),
            status=response.status_code if response is not None else None,
            response_headers=resp_headers,
            response_body=_cut(resp_body),
            error=error.message if error is not None else None,
            started_at=started,
            timings=timer.as_dict(),
            request_size=len(request.content or b""),
            response_size=len(raw),
            operation=operation,
            api=api,
            attempt=attempt,
            http_version=http_version,
            truncated=any(len(b or "") > MAX_BODY_CHARS for b in (req_body, resp_body)),
        )
        if self.history is not None and (error is not None or not _BACKGROUND.get()):
            # A call that sends data is on disk before it returns (a kill must not lose the record of
            # an event that was delivered); reads are appended in batches.
            await self.history.arecord(exchange, durable=request.method != "GET")
        return exchange


def _check_transport(method: str, url: str) -> None:
    """Refuse, before any credential leaves, an address that would send it unencrypted: ``https`` is
    required except for this computer (loopback), whatever built the address."""
    from urllib.parse import urlsplit

    from cio_desktop.workspaces import is_loopback_host

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return  # httpx reports a malformed address in words when the request is built
    if parts.scheme.lower() != "http" or is_loopback_host(host):
        return  # https, or another scheme that httpx refuses as "not a valid web address"
    raise E.ApiError(
        f"cio-desktop only sends keys over https:// (plain http only to this computer, such as "
        f"127.0.0.1), so nothing was sent to {parts.scheme}://{host}. Change the address to https://.",
        detail=f"{method} {parts.scheme}://{host} · refused: not https",
    )


def _cut(body: str | None) -> str | None:
    """A redacted body shortened to ``MAX_BODY_CHARS`` (a marker says so)."""
    if body is None or len(body) <= MAX_BODY_CHARS:
        return body
    return body[:MAX_BODY_CHARS] + f"\n… [cut: {len(body) - MAX_BODY_CHARS} more characters]"


def _param(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Sender(Protocol):
    """What ``TrackApi``/``AppApi`` call: the client's region-aware wrapper around ``Engine.call``."""

    def __call__(
        self,
        api: str,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        idempotent: bool,
        operation: str,
        headers: Mapping[str, str] | None = None,
        gzip: bool = False,
    ) -> Awaitable[ApiResult]: ...
