"""Who signed a certificate this computer refused: a second, unverified handshake reads the server's
certificate and a small DER walk finds its issuer's name, so a TLS error can say "issued by X".

Used only after verification failed and only without a proxy; nothing is sent over that connection.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from urllib.parse import urlsplit

_NAME_OIDS = {bytes([0x55, 0x04, 0x03]): "CN", bytes([0x55, 0x04, 0x0A]): "O"}


def _read(der: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at ``pos``."""
    tag = der[pos]
    length = der[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(der[pos : pos + count], "big")
        pos += count
    return tag, pos, pos + length


def _children(der: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    while start < end:
        tag, s, e = _read(der, start)
        out.append((tag, s, e))
        start = e
    return out


def issuer_name(der: bytes) -> str | None:
    """``"CN=..., O=..."`` of a DER certificate's issuer, or None if it cannot be read."""
    try:
        _, s, e = _read(der, 0)  # Certificate
        _, s, e = _children(der, s, e)[0]  # tbsCertificate
        fields = _children(der, s, e)
        if fields[0][0] == 0xA0:  # explicit version
            fields = fields[1:]
        _, s, e = fields[2]  # serial, signature algorithm, issuer
        parts: dict[str, str] = {}
        for _, rs, re_ in _children(der, s, e):  # RDN sets
            for _, as_, ae in _children(der, rs, re_):  # AttributeTypeAndValue
                (_, os_, oe), (_, vs, ve) = _children(der, as_, ae)[:2]
                label = _NAME_OIDS.get(der[os_:oe])
                if label:
                    parts[label] = der[vs:ve].decode("utf-8", "replace")
        text = ", ".join(f"{k}={parts[k]}" for k in ("CN", "O") if k in parts)
        return text or None
    except (IndexError, ValueError):
        return None


def _peer_der(host: str, port: int, timeout: float) -> bytes | None:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            ctx.wrap_socket(sock, server_hostname=host) as tls,
        ):
            return tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError):
        return None


async def certificate_issuer(url: str, *, connect_timeout_s: float = 3.0) -> str | None:
    """The issuer of the certificate ``url``'s server presents (unverified), or None."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    der = await asyncio.to_thread(_peer_der, parts.hostname, parts.port or 443, connect_timeout_s)
    return issuer_name(der) if der else None
