"""A throw-away certificate authority and a loopback server certificate, made with trustme.

trustme does in three calls what would otherwise be a page of `cryptography` builder code, and it
is what the Python HTTP ecosystem (urllib3, httpx, trio) uses for exactly this job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True)
class TLSFiles:
    ca_file: Path
    cert_file: Path
    key_file: Path


def make_tls_files(directory: Path, hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")) -> TLSFiles:
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="conformance emulator CA")
    cert = ca.issue_cert(*hosts)
    files = TLSFiles(directory / "emulator-ca.pem", directory / "emulator-cert.pem", directory / "emulator-key.pem")
    ca.cert_pem.write_to_path(str(files.ca_file))
    cert.cert_chain_pems[0].write_to_path(str(files.cert_file))
    for extra in cert.cert_chain_pems[1:]:
        extra.write_to_path(str(files.cert_file), append=True)
    cert.private_key_pem.write_to_path(str(files.key_file))
    files.key_file.chmod(0o600)
    return files
