"""Small synchronous HTTP helpers for the sandbox tests (httpx over a real socket)."""

from __future__ import annotations

import ssl
from typing import Any

import httpx

from cio_desktop.sandbox import SandboxInfo, ThreadedSandbox


class Api:
    """Track and App calls against one sandbox with its own credentials."""

    def __init__(self, sb: ThreadedSandbox | SandboxInfo, **client_kwargs: Any) -> None:
        self.info = sb if isinstance(sb, SandboxInfo) else sb.info
        if self.info.ca_file:
            client_kwargs.setdefault("verify", ssl.create_default_context(cafile=self.info.ca_file))
        self.client = httpx.Client(timeout=10, **client_kwargs)
        self.auth = (self.info.site_id, self.info.track_api_key)
        self.bearer = {"Authorization": f"Bearer {self.info.app_api_key}"}

    def close(self) -> None:
        self.client.close()

    def track(self, method: str, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        kw.setdefault("auth", self.auth)
        return self.client.request(method, f"{self.info.track_url}{path}", json=json, **kw)

    def app(self, method: str, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        headers = {**self.bearer, **kw.pop("headers", {})}
        return self.client.request(method, f"{self.info.app_url}{path}", json=json, headers=headers, **kw)

    def attributes(self, customer_id: str, id_type: str = "id") -> httpx.Response:
        return self.app("GET", f"/v1/customers/{customer_id}/attributes", params={"id_type": id_type})

    def activities(self, customer_id: str, **params: Any) -> list[dict[str, Any]]:
        r = self.app("GET", f"/v1/customers/{customer_id}/activities", params={"limit": 100, **params})
        assert r.status_code == 200, r.text
        return list(r.json()["activities"])

    def workspace_log(self, **params: Any) -> list[dict[str, Any]]:
        r = self.app("GET", "/v1/activities", params={"limit": 100, **params})
        assert r.status_code == 200, r.text
        return list(r.json()["activities"])


def cdp_basic(write_key: str) -> dict[str, str]:
    """The Authorization header of a Pipelines classic write key (Basic, empty password)."""
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{write_key}:".encode()).decode()}


class Cdp:
    """Pipelines calls against one sandbox (the write key as Basic unless ``headers`` say otherwise)."""

    def __init__(self, sb: ThreadedSandbox | SandboxInfo) -> None:
        self.info = sb if isinstance(sb, SandboxInfo) else sb.info
        self.client = httpx.Client(timeout=10)

    def close(self) -> None:
        self.client.close()

    def post(
        self, call: str, body: Any = None, *, strict: bool = True, key: str | None = None, **kw: Any
    ) -> httpx.Response:
        headers = cdp_basic(self.info.pipelines_write_key if key is None else key)
        if strict:
            headers["X-Strict-Mode"] = "1"
        headers.update(kw.pop("headers", {}))
        return self.client.post(f"{self.info.pipelines_url}/v1/{call}", json=body, headers=headers, **kw)
