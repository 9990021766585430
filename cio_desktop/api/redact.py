"""Redaction at record time: headers, URL query parameters, JSON and form bodies, and known secrets verbatim.

Two rules work together. By name: any header, query parameter, JSON key or form field called like a
credential (Authorization, api keys, tokens, ``client_secret``, ``code``, ``refresh_token``,
``access_token``, passwords, ...) gets its value replaced with ``[REDACTED]``. By value: every secret the
client knows (its keys, the Basic credential, their base64 and percent-encoded forms) is replaced
wherever it appears, in any text.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

REDACTED = "[REDACTED]"

_EXACT = {
    "authorization", "proxy_authorization", "cookie", "set_cookie", "api_key", "apikey", "x_api_key",
    "token", "access_token", "refresh_token", "id_token", "client_secret", "code", "password", "passwd",
    "secret", "track_api_key", "app_api_key", "write_key", "private_key", "session", "code_verifier",
}  # fmt: skip
_SUFFIXES = ("_token", "_secret", "_password", "_api_key", "_apikey")
_MIN_SECRET_LEN = 4


@functools.lru_cache(maxsize=1024)  # the same few header and field names come by on every call
def is_secret_name(name: str) -> bool:
    """True if a header/parameter/field with this name holds a credential."""
    norm = name.strip().lower().replace("-", "_")
    return norm in _EXACT or norm.endswith(_SUFFIXES) or "password" in norm


def secret_forms(secret: str) -> set[str]:
    """The ways a secret may show up in text: as is, percent-encoded, base64 (std and URL-safe)."""
    forms = {secret, quote(secret, safe=""), quote(secret)}
    raw = secret.encode("utf-8")
    forms.add(base64.b64encode(raw).decode("ascii"))
    forms.add(base64.urlsafe_b64encode(raw).decode("ascii"))
    return {f for f in forms if len(f) >= _MIN_SECRET_LEN}


class Redactor:
    """Redacts with the name rules plus the given secret values (and ``site_id:key`` Basic pairs)."""

    def __init__(self, secrets: Iterable[str] = (), *, basic_pairs: Iterable[tuple[str, str]] = ()) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if secret and len(secret) >= _MIN_SECRET_LEN:
                forms |= secret_forms(secret)
        for user, password in basic_pairs:
            if password:
                forms |= secret_forms(f"{user}:{password}")
        self._forms = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(f) for f in self._forms)) if self._forms else None

    # ---- plain text -------------------------------------------------------------------------------
    def text(self, value: str) -> str:
        """Replace every known secret form in ``value``."""
        if self._pattern is None or not value:
            return value
        return self._pattern.sub(REDACTED, value)

    __call__ = text

    # ---- structured -------------------------------------------------------------------------------
    def headers(self, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
        """A copy with credential headers masked (the auth scheme word is kept: ``Basic [REDACTED]``)."""
        items = headers.items() if isinstance(headers, Mapping) else headers
        out: dict[str, str] = {}
        for name, value in items:
            if is_secret_name(name):
                scheme = value.split(" ", 1)[0] if " " in value.strip() else ""
                value = (
                    f"{scheme} {REDACTED}" if scheme and name.lower().endswith("authorization") else REDACTED
                )
            else:
                value = self.text(value)
            out[name] = f"{out[name]}, {value}" if name in out else value
        return out

    def url(self, url: str) -> str:
        """Mask credential query parameters and user:password in the authority, then known values."""
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(is_secret_name(k) for k, _ in pairs):
                query = urlencode([(k, REDACTED if is_secret_name(k) else v) for k, v in pairs], safe="[]")
        return self.text(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))

    def json_value(self, value: Any) -> Any:
        """A copy of a parsed JSON value with credential-named keys masked at any depth."""
        return self._json_value(value)[0]

    def _json_value(self, value: Any) -> tuple[Any, bool]:
        """``json_value`` plus whether anything changed. Iterative, so no nesting depth can exhaust the
        stack (a person's data nested hundreds deep once crashed every record of it)."""
        root: list[Any] = [None]
        changed = False
        stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]
        while stack:
            item, parent, slot = stack.pop()
            if isinstance(item, dict):
                out: dict[Any, Any] = {}
                parent[slot] = out
                for key, child in item.items():
                    if is_secret_name(str(key)) and not (child is None or child == ""):
                        out[key] = REDACTED
                        changed = True
                    else:
                        out[key] = None
                        stack.append((child, out, key))
            elif isinstance(item, list):
                seq: list[Any] = [None] * len(item)
                parent[slot] = seq
                stack.extend((child, seq, i) for i, child in enumerate(item))
            elif isinstance(item, str):
                cleaned = self.text(item)
                changed = changed or cleaned != item
                parent[slot] = cleaned
            else:
                parent[slot] = item
        return root[0], changed

    def body(self, body: str | None, content_type: str | None = None) -> str | None:
        """Redact a request or response body: JSON by key, forms by field, anything by value."""
        if body is None or body == "":
            return body
        ctype = (content_type or "").lower()
        stripped = body.lstrip()
        if stripped[:1] in ("{", "[") or "json" in ctype:
            try:
                doc = json.loads(body)
                cleaned, changed = self._json_value(doc)
                return json.dumps(cleaned, ensure_ascii=False) if changed else self.text(body)
            except (ValueError, RecursionError):
                pass  # not JSON, or nested deeper than json can walk: mask by pattern and value below
        if "x-www-form-urlencoded" in ctype or re.fullmatch(r"[\w.%+\-]+=[^\s]*(&[\w.%+\-]+=[^\s]*)*", body):
            pairs = parse_qsl(body, keep_blank_values=True)
            if any(is_secret_name(k) for k, _ in pairs):
                body = urlencode([(k, REDACTED if is_secret_name(k) else v) for k, v in pairs], safe="[]")
            return self.text(body)
        return self.text(_mask_inline(body))


_INLINE = re.compile(
    r"""(?P<key>["']?(?:[A-Za-z_\-]*(?:token|secret|password|api[_-]?key)|code|authorization)["']?\s*[:=]\s*)"""
    r"""(?P<q>["']?)(?P<val>[^"'\s,&}]+)""",
    re.IGNORECASE,
)


def _mask_inline(text: str) -> str:
    """Best effort for bodies that are neither JSON nor forms: ``key=value`` / ``"key": "value"``."""
    return _INLINE.sub(lambda m: f"{m.group('key')}{m.group('q')}{REDACTED}", text)
