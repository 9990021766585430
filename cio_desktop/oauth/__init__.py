"""OAuth sign-in, Qt-free: discovery, client registration, the loopback and device flows, tokens.

Two ways of signing in share one standards-based client:

- a workspace signs in to any authorization server (an issuer URL or explicit endpoints); its access token
  is then sent as Bearer to the workspace's App API address (``OAuthTokenSource`` is the ``TokenSource``
  the API layer's ``BearerToken`` asks);
- the Customer.io account signs in to the MCP service's server; ``mcp.McpClient`` then talks to it.

Modules (one job each): ``errors`` (plain words for RFC 6749 errors), ``pkce``, ``metadata`` and
``discovery`` (RFC 9728, RFC 8414, OpenID discovery), ``registration`` (RFC 7591, per issuer, port kept),
``loopback`` (the hand-written 127.0.0.1 listener), ``flow`` (authorization code + PKCE, paste fallback),
``device`` (RFC 8628), ``endpoints`` (token, refresh, revocation calls), ``token_store`` (keyring, split
into small items), ``session`` (refresh with a single-flight lock), ``mcp`` (streamable HTTP client),
``account`` (the account's status and workspaces), ``signin`` (the operations the CLI and GUI call).
Everything here imports httpx lazily or only inside modules the CLI loads when a command runs.
"""
