"""TLS for ``--tls``: a throwaway local CA (trustme) and a certificate for 127.0.0.1, ::1 and localhost.

The CA certificate is written as ``ca.pem`` into the state dir (or a fresh temporary folder, removed on
stop); clients trust that file only. A new CA is made on every start.
"""

from __future__ import annotations

import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

CA_FILE = "ca.pem"


@dataclass
class TlsMaterial:
    context: ssl.SSLContext
    ca_file: str
    temp_dir: tempfile.TemporaryDirectory[str] | None


def make_tls(state_dir: str | None) -> TlsMaterial:
    """A server SSL context and the path of the CA file that signed its certificate."""
    import trustme  # lazy: only --tls needs it

    ca = trustme.CA(organization_name="cio-desktop sandbox")
    cert = ca.issue_cert("127.0.0.1", "::1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    cert.configure_cert(context)
    temp_dir = None
    if state_dir is None:
        temp_dir = tempfile.TemporaryDirectory(prefix="cio-sandbox-tls-")
        folder = Path(temp_dir.name)
    else:
        folder = Path(state_dir)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / CA_FILE
    ca.cert_pem.write_to_path(str(path))
    path.chmod(0o600)  # a public certificate, but everything the app writes is 0600
    return TlsMaterial(context=context, ca_file=str(path), temp_dir=temp_dir)
