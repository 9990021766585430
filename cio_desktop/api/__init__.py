"""The Customer.io client layer: async, region-aware, honest about errors, with a redacted history.

Cheap to import (no httpx until a client is built). Public surface:

    CioClient(workspace, credentials, *, history=None, settings=None, hosts=None, on_workspace_changed=None)
        .track.*  region, identify, delete, add_device, delete_device, suppress, unsuppress, event,
                  page_view, screen_view, anonymous_event, merge, entity, batch
        .app.*    find_by_email, attributes, segments, activities, messages, pages, subscription_preferences,
                  workspaces, list_segments, send_email
        .detect_region(), .ensure_region(), .workspace, .region, .endpoints(), .redact(text), .aclose()
    Credentials, NetworkSettings, ApiResult (.get(key) reads its JSON object), Exchange, RequestHistory,
    to_har, to_curl
    errors: ApiError and subclasses (tree in cio_desktop.api.errors)
    verify.wait_for_activity(client, customer_id, name, *, since, timeout_s) -> activity | None
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cio_desktop.api.curl import to_curl
from cio_desktop.api.errors import (
    ApiError,
    ApiTimeoutError,
    AuthError,
    ConnectionFailedError,
    FieldError,
    InvalidResponseError,
    MissingCredentialsError,
    NotFoundError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
    TlsError,
    ValidationError,
    WrongRegionError,
)
from cio_desktop.api.exchange import Exchange
from cio_desktop.api.har import to_har
from cio_desktop.api.history import RequestHistory
from cio_desktop.api.models import ApiResult, Credentials, NetworkSettings

if TYPE_CHECKING:
    from cio_desktop.api.client import CioClient

__all__ = [
    "ApiError",
    "ApiResult",
    "ApiTimeoutError",
    "AuthError",
    "CioClient",
    "ConnectionFailedError",
    "Credentials",
    "Exchange",
    "FieldError",
    "InvalidResponseError",
    "MissingCredentialsError",
    "NetworkSettings",
    "NotFoundError",
    "RateLimitedError",
    "RequestHistory",
    "RequestRejectedError",
    "ServerError",
    "TlsError",
    "ValidationError",
    "WrongRegionError",
    "to_curl",
    "to_har",
]


def __getattr__(name: str) -> Any:
    """``CioClient`` loads on first use (it pulls in httpx)."""
    if name == "CioClient":
        from cio_desktop.api.client import CioClient

        return CioClient
    raise AttributeError(name)
