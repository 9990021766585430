"""Copy as curl: a shell command that repeats an exchange, with secrets as environment variables.

Track calls authenticate with ``-u "$CIO_SITE_ID:$CIO_TRACK_API_KEY"`` (or the same as a header), App calls
with ``-H "Authorization: Bearer $CIO_APP_API_KEY"``, Pipelines calls with ``-u "$CIO_PIPELINES_KEY:"`` (a
write key) or ``-H "Authorization: Bearer $CIO_PIPELINES_KEY"`` (a region-prefixed key). A gzipped body is
repeated as plain JSON. The exchange is already redacted, so nothing secret
can reach the clipboard from here.
"""

from __future__ import annotations

import shlex

from cio_desktop.api.exchange import Exchange
from cio_desktop.api.models import Credentials

TRACK_ENV = "CIO_TRACK_API_KEY"
APP_ENV = "CIO_APP_API_KEY"
SITE_ENV = "CIO_SITE_ID"
PIPELINES_ENV = "CIO_PIPELINES_KEY"

# Headers curl sets by itself or that would be wrong to repeat.
_SKIP = {
    "authorization",
    "content-length",
    "host",
    "accept-encoding",
    "connection",
    "user-agent",
    "x-retry-count",
    "content-encoding",  # the body is repeated as the readable JSON the history keeps
}


def to_curl(
    exchange: Exchange,
    *,
    basic_auth_as_header: bool = False,
    secrets: Credentials | None = None,
    site_id: str | None = None,
) -> str:
    """The curl command for ``exchange`` (one line per option, joined with `` \\``).

    With ``secrets`` (and ``site_id`` for Track) the real keys are written instead of the placeholders:
    only for the user's deliberate "copy with secret" choice.
    """
    parts = [f"curl -X {exchange.method.upper()} {shlex.quote(exchange.url)}"]
    auth = _auth_option(exchange, basic_auth_as_header)
    if secrets is not None:
        auth = _literal_auth(auth, secrets, site_id)
    if auth:
        parts.append(auth)
    for name, value in exchange.request_headers.items():
        if name.lower() in _SKIP:
            continue
        parts.append(f"-H {shlex.quote(f'{name}: {value}')}")
    if exchange.request_body:
        parts.append(f"--data-raw {shlex.quote(exchange.request_body)}")
    return " \\\n  ".join(parts)


def _literal_auth(option: str, secrets: Credentials, site_id: str | None) -> str:
    if f"${PIPELINES_ENV}" in option and secrets.pipelines_key:
        return option.replace(f"${PIPELINES_ENV}", secrets.pipelines_key.replace('"', ""))
    if f"${TRACK_ENV}" in option and secrets.track_api_key and site_id:
        return f"-u {shlex.quote(f'{site_id}:{secrets.track_api_key}')}"
    if f"${APP_ENV}" in option and secrets.app_api_key:
        return f"-H {shlex.quote(f'Authorization: Bearer {secrets.app_api_key}')}"
    return option


def _auth_option(exchange: Exchange, as_header: bool) -> str:
    header = next((v for k, v in exchange.request_headers.items() if k.lower() == "authorization"), "")
    scheme = header.split(" ", 1)[0].lower() if header else ""
    if exchange.api == "pipelines":
        if scheme == "bearer":
            return f'-H "Authorization: Bearer ${PIPELINES_ENV}"'
        return f'-u "${PIPELINES_ENV}:"'
    if exchange.api == "track" or scheme == "basic":
        if as_header:
            pair = f'"${SITE_ENV}:${TRACK_ENV}"'
            return f"-H \"Authorization: Basic $(printf '%s' {pair} | base64 | tr -d '\\n')\""
        return f'-u "${SITE_ENV}:${TRACK_ENV}"'
    if exchange.api == "app" or scheme == "bearer":
        return f'-H "Authorization: Bearer ${APP_ENV}"'
    return ""


MASK = "••••••••"


def env_names(exchange: Exchange) -> list[str]:
    """The environment variables the curl command of ``exchange`` expects (in the order to set them)."""
    option = _auth_option(exchange, False)
    return [name for name in (SITE_ENV, TRACK_ENV, APP_ENV, PIPELINES_ENV) if f"${name}" in option]


def to_curl_with_exports(exchange: Exchange) -> str:
    """The curl command preceded by ``export CIO_…='••••••••'`` lines (values masked) and a note saying to
    fill them in: a command that is safe to paste into a ticket and easy to complete in a terminal."""
    names = env_names(exchange)
    if not names:
        return to_curl(exchange)
    lines = [
        f"# Replace each {MASK} with your own value (Customer.io: Account Settings → API Credentials).",
        "# The values are masked on purpose, so this text is safe to share.",
        *(f"export {name}='{MASK}'" for name in names),
        to_curl(exchange),
    ]
    return "\n".join(lines)
