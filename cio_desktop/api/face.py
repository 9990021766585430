"""The base every API's call group shares: each call goes through the client's sender, named by API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from cio_desktop.api.core import Params, Sender
from cio_desktop.api.models import ApiResult


class ApiFace:
    """One API of a workspace (``api`` names its descriptor in ``cio_desktop.api.apis``), sending through
    ``CioClient``."""

    api: ClassVar[str]

    def __init__(self, send: Sender) -> None:
        self._send = send

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        idempotent: bool = True,
        operation: str,
        headers: Mapping[str, str] | None = None,
        gzip: bool = False,
    ) -> ApiResult:
        return await self._send(
            self.api, method, path, params=params, body=body, idempotent=idempotent, operation=operation,
            headers=headers, gzip=gzip,
        )  # fmt: skip
