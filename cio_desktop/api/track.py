"""Track API calls (v1 and v2): region lookup, people, devices, suppression, events, page/screen views,
anonymous events, merge, and v2 ``entity``/``batch``.

Every event gets a ULID ``id`` (unless the caller gives one), so retrying it cannot make a duplicate;
that is what makes events retryable. Identifiers are one percent-encoded path segment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cio_desktop.api.face import ApiFace
from cio_desktop.api.models import ApiResult
from cio_desktop.api.paths import IdType, track_identifier
from cio_desktop.api.ulid import new_ulid

EVENT_ACTIONS = {"event", "page", "screen"}


class TrackApi(ApiFace):
    """Track calls for one workspace; obtained as ``CioClient.track``."""

    api = "track"

    def _person(self, identifier: str | int, id_type: IdType) -> str:
        return f"/api/v1/customers/{track_identifier(identifier, id_type)}"

    # ---- account ----------------------------------------------------------------------------------
    async def region(self) -> ApiResult:
        """``GET /api/v1/accounts/region``: ``{url, region, environment_id}``; also checks the key pair."""
        return await self._call("GET", "/api/v1/accounts/region", operation="Region lookup")

    # ---- people -----------------------------------------------------------------------------------
    async def identify(
        self, identifier: str | int, attributes: Mapping[str, Any] | None = None, *, id_type: IdType = "id"
    ) -> ApiResult:
        """Create or update a person (``PUT /api/v1/customers/{identifier}``)."""
        return await self._call(
            "PUT", self._person(identifier, id_type), body=dict(attributes or {}), operation="Identify"
        )

    async def delete(self, identifier: str | int, *, id_type: IdType = "id") -> ApiResult:
        return await self._call("DELETE", self._person(identifier, id_type), operation="Delete person")

    async def add_device(
        self,
        identifier: str | int,
        device_id: str,
        platform: str,
        *,
        last_used: int | None = None,
        attributes: Mapping[str, Any] | None = None,
        id_type: IdType = "id",
    ) -> ApiResult:
        device: dict[str, Any] = {"id": device_id, "platform": platform}
        if last_used is not None:
            device["last_used"] = last_used
        if attributes:
            device["attributes"] = dict(attributes)
        return await self._call(
            "PUT",
            self._person(identifier, id_type) + "/devices",
            body={"device": device},
            operation="Add device",
        )

    async def delete_device(
        self, identifier: str | int, device_id: str, *, id_type: IdType = "id"
    ) -> ApiResult:
        from cio_desktop.api.paths import segment

        path = f"{self._person(identifier, id_type)}/devices/{segment(device_id)}"
        return await self._call("DELETE", path, operation="Delete device")

    async def suppress(self, identifier: str | int, *, id_type: IdType = "id") -> ApiResult:
        return await self._call("POST", self._person(identifier, id_type) + "/suppress", operation="Suppress")

    async def unsuppress(self, identifier: str | int, *, id_type: IdType = "id") -> ApiResult:
        return await self._call(
            "POST", self._person(identifier, id_type) + "/unsuppress", operation="Unsuppress"
        )

    # ---- events -----------------------------------------------------------------------------------
    async def event(
        self,
        identifier: str | int,
        name: str,
        data: Mapping[str, Any] | None = None,
        *,
        type: str = "event",
        timestamp: int | None = None,
        event_id: str | None = None,
        id_type: IdType = "id",
    ) -> ApiResult:
        """``POST /api/v1/customers/{identifier}/events``; ``type`` "page" or "screen" for views."""
        body = _event_body(name, data, type, timestamp, event_id)
        label = {"page": "Page view", "screen": "Screen view"}.get(type, "Event")
        return await self._call(
            "POST", self._person(identifier, id_type) + "/events", body=body, operation=label
        )

    async def page_view(
        self, identifier: str | int, url: str, data: Mapping[str, Any] | None = None, **kw: Any
    ) -> ApiResult:
        return await self.event(identifier, url, data, type="page", **kw)

    async def screen_view(
        self, identifier: str | int, screen: str, data: Mapping[str, Any] | None = None, **kw: Any
    ) -> ApiResult:
        return await self.event(identifier, screen, data, type="screen", **kw)

    async def anonymous_event(
        self,
        name: str,
        data: Mapping[str, Any] | None = None,
        *,
        anonymous_id: str | None = None,
        type: str = "event",
        timestamp: int | None = None,
        event_id: str | None = None,
    ) -> ApiResult:
        """``POST /api/v1/events``; without ``anonymous_id`` and with ``data.recipient`` it is an invite."""
        body = _event_body(name, data, type, timestamp, event_id)
        if anonymous_id:
            body["anonymous_id"] = anonymous_id
        return await self._call("POST", "/api/v1/events", body=body, operation="Anonymous event")

    async def merge(self, primary: Mapping[str, str], secondary: Mapping[str, str]) -> ApiResult:
        """``POST /api/v1/merge_customers``; each side is one of ``{"id"|"email"|"cio_id": value}``."""
        body = {"primary": dict(primary), "secondary": dict(secondary)}
        # Not retried: a repeat after a lost reply would find the secondary person already gone.
        return await self._call(
            "POST", "/api/v1/merge_customers", body=body, idempotent=False, operation="Merge people"
        )

    # ---- v2 ---------------------------------------------------------------------------------------
    async def entity(self, operation: Mapping[str, Any]) -> ApiResult:
        """``POST /api/v2/entity`` with one operation (event-like operations get a ULID ``id``)."""
        op = with_event_id(operation)
        return await self._call(
            "POST", "/api/v2/entity", body=op, operation=f"v2 {op.get('action', 'entity')}"
        )

    async def batch(self, operations: Sequence[Mapping[str, Any]]) -> ApiResult:
        """``POST /api/v2/batch``. A 207 (some operations rejected) raises ``ValidationError`` with
        ``partial=True`` and one ``FieldError`` per rejected ``batch_index``."""
        ops = [with_event_id(op) for op in operations]
        return await self._call(
            "POST", "/api/v2/batch", body={"batch": ops}, operation=f"v2 batch ({len(ops)})"
        )


def _event_body(
    name: str, data: Mapping[str, Any] | None, type: str, timestamp: int | None, event_id: str | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "id": event_id or new_ulid()}
    if type != "event":
        body["type"] = type
    if timestamp is not None:
        body["timestamp"] = timestamp
    if data:
        body["data"] = dict(data)
    return body


def with_event_id(operation: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a v2 operation with an ``id`` added to person event/page/screen operations."""
    op = dict(operation)
    if op.get("action") in EVENT_ACTIONS and op.get("type", "person") == "person" and not op.get("id"):
        op["id"] = new_ulid()
    return op
