"""Discovery rules without a server: where metadata is looked for, the challenge parser, URL safety, the
explicit-endpoints path, PKCE values and plain words for RFC 6749 errors."""

from __future__ import annotations

import pytest

from cio_desktop.oauth import pkce
from cio_desktop.oauth.discovery import issuer_metadata_urls, parse_bearer_challenge, well_known_urls
from cio_desktop.oauth.errors import DiscoveryError, SignedOut, SignInCancelled, describe, error_for
from cio_desktop.oauth.metadata import ServerMetadata, check_url, explicit_metadata


def test_issuer_metadata_urls_in_the_specs_order() -> None:
    assert issuer_metadata_urls("https://as.example") == [
        "https://as.example/.well-known/oauth-authorization-server",
        "https://as.example/.well-known/openid-configuration",
    ]
    assert issuer_metadata_urls("https://as.example/tenant1") == [
        "https://as.example/.well-known/oauth-authorization-server/tenant1",
        "https://as.example/.well-known/openid-configuration/tenant1",
        "https://as.example/tenant1/.well-known/openid-configuration",
    ]


def test_protected_resource_metadata_path_then_root() -> None:
    assert well_known_urls("https://mcp.customer.io/mcp", "oauth-protected-resource") == [
        "https://mcp.customer.io/.well-known/oauth-protected-resource/mcp",
        "https://mcp.customer.io/.well-known/oauth-protected-resource",
    ]


def test_bearer_challenge_parameters() -> None:
    header = 'Bearer resource_metadata="https://r.example/.well-known/x", scope="read write", error="x\\"y"'
    assert parse_bearer_challenge(header) == {
        "resource_metadata": "https://r.example/.well-known/x",
        "scope": "read write",
        "error": 'x"y',
    }
    assert parse_bearer_challenge('Basic realm="a", Bearer scope=read') == {"scope": "read"}
    assert parse_bearer_challenge('Bearer scope="read", Basic realm="other"') == {"scope": "read"}
    assert parse_bearer_challenge(None) == {}
    assert parse_bearer_challenge('Basic realm="x"') == {}


@pytest.mark.parametrize(
    "url", ["http://as.example/token", "ftp://as.example", "javascript:alert(1)", "", "https://"]
)
def test_only_https_or_loopback_http_endpoints(url: str) -> None:
    with pytest.raises(DiscoveryError):
        check_url(url, "token endpoint")


def test_loopback_http_is_allowed_for_the_sandbox() -> None:
    assert check_url("http://127.0.0.1:8080/t", "token endpoint") == "http://127.0.0.1:8080/t"


def test_metadata_issuer_must_match_exactly_and_s256_is_required() -> None:
    doc = {
        "issuer": "https://as.example/",
        "authorization_endpoint": "https://as.example/a",
        "token_endpoint": "https://as.example/t",
        "code_challenge_methods_supported": ["plain"],
    }
    with pytest.raises(DiscoveryError, match="different issuer"):
        ServerMetadata.from_document(doc, "https://as.example")  # a trailing slash is a different issuer
    meta = ServerMetadata.from_document(doc, "https://as.example/")
    with pytest.raises(DiscoveryError, match="S256"):
        meta.require_s256()


def test_explicit_endpoints_skip_discovery() -> None:
    meta = explicit_metadata(
        authorization_endpoint="https://as.example/a", token_endpoint="https://as.example/t"
    )
    meta.require_s256()
    assert meta.issuer == ""
    assert meta.registration_endpoint is None


def test_pkce_values() -> None:
    verifier = pkce.new_verifier()
    assert 43 <= len(verifier) <= 128
    # RFC 7636 appendix B's example
    assert (
        pkce.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )
    state = pkce.new_state()
    assert len(state) >= 22
    assert pkce.same(state, state)
    assert not pkce.same(state, state[:-1] + "x")
    assert not pkce.same(state, None)


def test_errors_in_plain_words() -> None:
    assert describe("access_denied") == "Sign-in was cancelled in the browser."
    assert isinstance(error_for("access_denied"), SignInCancelled)
    assert isinstance(error_for("invalid_grant"), SignedOut)
    assert "\x1b" not in describe("weird\x1b[31m", "desc\nwith\x07 controls")
