"""Pipelines (Data Pipelines / CDP) API calls: identify, track, page, screen, group, alias and batch.

Every message gets a ``messageId`` (Customer.io de-duplicates on it, so a retry cannot make a duplicate;
that is what makes these calls retryable) and an ISO-8601 ``timestamp``. ``X-Strict-Mode: 1`` is sent by
default: without it Customer.io answers 200 even to input it then drops. Sizes are checked before
sending (32 KB a message, 500 KB a batch), with the size in words.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cio_desktop.api import errors as E
from cio_desktop.api.face import ApiFace
from cio_desktop.api.models import ApiResult
from cio_desktop.api.ulid import new_ulid

MAX_MESSAGE_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
CALL_TYPES = ("identify", "track", "page", "screen", "group", "alias")
_LIBRARY = {"name": "cio-desktop", "version": "1"}


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _size_words(size: int) -> str:
    return f"{size / 1024:.1f} KB ({size:,} bytes)"


def message_size(message: Mapping[str, Any]) -> int:
    """The JSON size of a message in bytes, as it goes on the wire."""
    return len(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def complete(message: Mapping[str, Any], call_type: str | None = None) -> dict[str, Any]:
    """A copy with ``type``, ``messageId``, ``timestamp`` and ``context.library`` filled in where missing.

    Raises ``ValidationError`` for a message no Pipelines call accepts (a person is needed; alias needs
    ``previousId``; track needs an ``event``; group needs a ``groupId``), before anything is sent.
    """
    out = dict(message)
    kind = call_type or str(out.get("type") or "")
    if kind not in CALL_TYPES:
        raise E.ValidationError(
            f"A Pipelines message needs a type, one of {', '.join(CALL_TYPES)}; this one has "
            f"{kind or 'none'}. Nothing was sent.",
            detail="pipelines message type",
        )
    out["type"] = kind
    out.setdefault("messageId", new_ulid())
    out.setdefault("timestamp", _now_iso())
    context = dict(out.get("context") or {})
    context.setdefault("library", dict(_LIBRARY))
    out["context"] = context
    for key in ("userId", "anonymousId", "previousId", "groupId"):
        if isinstance(out.get(key), int) and not isinstance(out.get(key), bool):
            out[key] = str(out[key])
    who = out.get("userId") or out.get("anonymousId")
    missing = None
    if kind == "alias":
        if not (out.get("userId") and out.get("previousId")):
            missing = "an alias needs both userId (the new id) and previousId (the old one)"
    elif not who:
        missing = f"a {kind} call needs a userId or an anonymousId"
    elif kind == "track" and not out.get("event"):
        missing = "a track call needs an event name"
    elif kind == "group" and not out.get("groupId"):
        missing = "a group call needs a groupId"
    if missing:
        raise E.ValidationError(f"Not sent: {missing}.", detail=f"pipelines {kind}: {missing}")
    return out


class PipelinesApi(ApiFace):
    """Pipelines calls for one workspace; obtained as ``CioClient.pipelines``.

    ``strict`` (default on) sends ``X-Strict-Mode: 1`` so bad input and a wrong key are answered with
    4xx instead of a silent 200; ``gzip`` compresses bodies.
    """

    api = "pipelines"
    strict = True
    gzip = False

    async def _post(self, path: str, body: dict[str, Any], operation: str) -> ApiResult:
        headers = {"X-Strict-Mode": "1"} if self.strict else {}
        return await self._call(
            "POST", path, body=body, operation=operation, headers=headers, gzip=self.gzip, idempotent=True
        )

    async def send(self, call_type: str, message: Mapping[str, Any]) -> ApiResult:
        """Send one message of ``call_type`` (identify, track, page, screen, group or alias)."""
        body = complete(message, call_type)
        body.pop("type", None)  # the path names it
        size = message_size(body)
        if size > MAX_MESSAGE_BYTES:
            raise E.ValidationError(
                f"This {call_type} message is {_size_words(size)}; Customer.io drops messages over 32 KB. "
                "Nothing was sent. Make its traits or properties smaller.",
                detail=f"pipelines {call_type}: {size} bytes",
            )
        return await self._post(f"/v1/{call_type}", body, call_type.capitalize())

    async def identify(
        self,
        *,
        user_id: str | int | None = None,
        anonymous_id: str | None = None,
        traits: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        message_id: str | None = None,
    ) -> ApiResult:
        """``POST /v1/identify``: who a person is and what they are like."""
        return await self.send(
            "identify", _message(user_id, anonymous_id, message_id, context, traits=traits)
        )

    async def track(
        self,
        event: str,
        *,
        user_id: str | int | None = None,
        anonymous_id: str | None = None,
        properties: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        message_id: str | None = None,
    ) -> ApiResult:
        """``POST /v1/track``: something a person did."""
        msg = _message(user_id, anonymous_id, message_id, context, properties=properties)
        msg["event"] = event
        return await self.send("track", msg)

    async def page(
        self,
        name: str | None = None,
        *,
        user_id: str | int | None = None,
        anonymous_id: str | None = None,
        properties: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        message_id: str | None = None,
    ) -> ApiResult:
        """``POST /v1/page``: a page view on a website."""
        return await self._view("page", name, user_id, anonymous_id, properties, context, message_id)

    async def screen(
        self,
        name: str | None = None,
        *,
        user_id: str | int | None = None,
        anonymous_id: str | None = None,
        properties: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        message_id: str | None = None,
    ) -> ApiResult:
        """``POST /v1/screen``: a screen view in a mobile app."""
        return await self._view("screen", name, user_id, anonymous_id, properties, context, message_id)

    async def _view(
        self,
        kind: str,
        name: str | None,
        user_id: str | int | None,
        anonymous_id: str | None,
        properties: Mapping[str, Any] | None,
        context: Mapping[str, Any] | None,
        message_id: str | None,
    ) -> ApiResult:
        msg = _message(user_id, anonymous_id, message_id, context, properties=properties)
        if name:
            msg["name"] = name
        return await self.send(kind, msg)

    async def group(
        self,
        group_id: str | int,
        *,
        user_id: str | int | None = None,
        anonymous_id: str | None = None,
        traits: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        message_id: str | None = None,
    ) -> ApiResult:
        """``POST /v1/group``: put a person in a group (an object, such as a company)."""
        msg = _message(user_id, anonymous_id, message_id, context, traits=traits)
        msg["groupId"] = str(group_id)
        return await self.send("group", msg)

    async def alias(
        self,
        user_id: str | int,
        previous_id: str | int,
        *,
        context: Mapping[str, Any] | None = None,
        message_id: str | None = None,
    ) -> ApiResult:
        """``POST /v1/alias``: the person known as ``previous_id`` is ``user_id`` from now on."""
        msg = _message(user_id, None, message_id, context)
        msg["previousId"] = str(previous_id)
        return await self.send("alias", msg)

    async def check_key(self) -> ApiResult:
        """``POST /v1/batch`` with an empty batch in strict mode: the cheapest call that proves the key
        (a wrong key is answered 401) and stores nothing (there is no call in it). The Pipelines API has
        no read endpoint to test a key with."""
        return await self._call(
            "POST", "/v1/batch", body={"batch": []}, operation="Key check", headers={"X-Strict-Mode": "1"},
            idempotent=True,
        )  # fmt: skip

    async def batch(self, messages: Sequence[Mapping[str, Any]]) -> ApiResult:
        """``POST /v1/batch``: several messages, each with its ``type``, in one call."""
        if not messages:
            raise E.ValidationError("A batch needs at least one message. Nothing was sent.", detail="empty")
        items = [complete(m) for m in messages]
        for index, item in enumerate(items):
            size = message_size(item)
            if size > MAX_MESSAGE_BYTES:
                raise E.ValidationError(
                    f"Message {index + 1} of the batch is {_size_words(size)}; Customer.io drops messages "
                    "over 32 KB. Nothing was sent.",
                    detail=f"pipelines batch item {index}: {size} bytes",
                )
        body = {"batch": items, "sentAt": _now_iso()}
        size = message_size(body)
        if size > MAX_BATCH_BYTES:
            raise E.ValidationError(
                f"This batch is {_size_words(size)}; Customer.io drops batches over 500 KB. Nothing was "
                "sent. Split it into smaller batches.",
                detail=f"pipelines batch: {size} bytes",
            )
        return await self._post("/v1/batch", body, f"Batch of {len(items)}")


def _message(
    user_id: str | int | None,
    anonymous_id: str | None,
    message_id: str | None,
    context: Mapping[str, Any] | None,
    **fields: Mapping[str, Any] | None,
) -> dict[str, Any]:
    msg: dict[str, Any] = {}
    if user_id is not None and user_id != "":
        msg["userId"] = str(user_id)
    if anonymous_id:
        msg["anonymousId"] = anonymous_id
    if message_id:
        msg["messageId"] = message_id
    if context:
        msg["context"] = dict(context)
    for name, value in fields.items():
        if value is not None:
            msg[name] = dict(value)
    return msg
