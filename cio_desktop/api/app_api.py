"""App API calls (Bearer key, ≤10 requests/s): find people, attributes, segments, activities and
messages with cursor paging, subscription preferences, workspaces, segments list, transactional email.

Reads are retried when safe; ``send_email`` never is (a repeat could deliver twice).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from cio_desktop.api.face import ApiFace
from cio_desktop.api.models import ApiResult
from cio_desktop.api.paths import IdType, bare_cio_id, segment


def next_cursor(result: ApiResult) -> str | None:
    """The ``next`` cursor of a paged answer, or None at the end (missing, null or empty)."""
    value = result.get("next")
    return str(value) if value else None


class AppApi(ApiFace):
    """App API calls for one workspace; obtained as ``CioClient.app``."""

    api = "app"

    def _customer(self, customer_id: str | int, id_type: IdType) -> str:
        value = bare_cio_id(str(customer_id)) if id_type == "cio_id" else str(customer_id)
        return f"/v1/customers/{segment(value)}"

    @staticmethod
    def _id_params(id_type: IdType) -> dict[str, str]:
        return {} if id_type == "id" else {"id_type": id_type}

    # ---- people -----------------------------------------------------------------------------------
    async def find_by_email(self, email: str) -> ApiResult:
        """``GET /v1/customers?email=``: ``{"results": [{email, id, cio_id}, ...]}`` (empty when none)."""
        return await self._call("GET", "/v1/customers", params={"email": email}, operation="Find by email")

    async def attributes(self, customer_id: str | int, *, id_type: IdType = "id") -> ApiResult:
        """``{"customer": {id, identifiers, attributes, timestamps, unsubscribed, devices}}``."""
        path = self._customer(customer_id, id_type) + "/attributes"
        return await self._call("GET", path, params=self._id_params(id_type), operation="Person attributes")

    async def segments(self, customer_id: str | int, *, id_type: IdType = "id") -> ApiResult:
        path = self._customer(customer_id, id_type) + "/segments"
        return await self._call("GET", path, params=self._id_params(id_type), operation="Person segments")

    async def activities(
        self,
        customer_id: str | int,
        *,
        id_type: IdType = "id",
        start: str | None = None,
        limit: int | None = None,
        type: str | None = None,
        name: str | None = None,
    ) -> ApiResult:
        """One page of ``{"activities": [...], "next": cursor}`` (newest first, limit ≤ 100)."""
        params: dict[str, Any] = {**self._id_params(id_type), "start": start, "limit": limit, "type": type}
        params["name"] = name
        path = self._customer(customer_id, id_type) + "/activities"
        return await self._call("GET", path, params=params, operation="Person activities")

    async def workspace_activities(
        self,
        *,
        start: str | None = None,
        limit: int | None = None,
        type: str | None = None,
        name: str | None = None,
        customer_id: str | None = None,
        id_type: IdType | None = None,
    ) -> ApiResult:
        """One page of the whole workspace's activity log, newest first: ``{"activities", "next"}``."""
        params: dict[str, Any] = {"start": start, "limit": limit, "type": type, "name": name}
        if customer_id:
            params["customer_id"] = customer_id
            params["id_type"] = id_type
        return await self._call("GET", "/v1/activities", params=params, operation="Workspace activity")

    async def messages(
        self,
        customer_id: str | int,
        *,
        id_type: IdType = "id",
        start: str | None = None,
        limit: int | None = None,
        start_ts: int | None = None,
        end_ts: int | None = None,
    ) -> ApiResult:
        """One page of ``{"messages": [...], "next": cursor}`` (limit ≤ 1000)."""
        params: dict[str, Any] = {**self._id_params(id_type), "start": start, "limit": limit}
        params.update(start_ts=start_ts, end_ts=end_ts)
        path = self._customer(customer_id, id_type) + "/messages"
        return await self._call("GET", path, params=params, operation="Person messages")

    async def pages(
        self, fetch: Callable[..., Awaitable[ApiResult]], *args: Any, max_pages: int = 10, **kw: Any
    ) -> AsyncIterator[ApiResult]:
        """Follow ``next`` cursors: ``async for page in client.app.pages(client.app.activities, "42")``."""
        start: str | None = kw.pop("start", None)
        for _ in range(max_pages):
            page = await fetch(*args, start=start, **kw)
            yield page
            start = next_cursor(page)
            if start is None:
                return

    async def subscription_preferences(
        self, customer_id: str | int, *, id_type: IdType = "id", language: str | None = None
    ) -> ApiResult:
        params: dict[str, Any] = {**self._id_params(id_type), "language": language}
        path = self._customer(customer_id, id_type) + "/subscription_preferences"
        return await self._call("GET", path, params=params, operation="Subscription preferences")

    # ---- workspace --------------------------------------------------------------------------------
    async def workspaces(self) -> ApiResult:
        """``{"workspaces": [{id, name, people, messages_sent, ...}]}``; also a cheap key check."""
        return await self._call("GET", "/v1/workspaces", operation="Workspaces")

    async def list_segments(self) -> ApiResult:
        return await self._call("GET", "/v1/segments", operation="Segments")

    # ---- messaging --------------------------------------------------------------------------------
    async def send_email(self, payload: Mapping[str, Any]) -> ApiResult:
        """``POST /v1/send/email`` → ``{delivery_id, queued_at}``. Never retried automatically."""
        return await self._call(
            "POST", "/v1/send/email", body=dict(payload), idempotent=False, operation="Transactional email"
        )
