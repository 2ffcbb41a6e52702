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


@dataclass(frozen=True)
class MediaTLS:
    """The suite's media receiver's TLS: a CA kept from run to run, and a server certificate from it."""

    ca_file: Path
    cert_file: Path
    key_file: Path


def media_tls_files(directory: Path, hosts: tuple[str, ...]) -> MediaTLS:
    """The CA in `directory` (made on first use, then kept), and a server certificate for `hosts`.

    The CA is kept because a vendor's server is told once to trust it (an environment variable read
    at start-up, or a flag); the server certificate is issued afresh, so the hosts may change."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = load_or_make_ca(directory)
    cert = ca.issue_cert(*dict.fromkeys(hosts))
    files = MediaTLS(directory / "ca.pem", directory / "cert.pem", directory / "key.pem")
    cert.cert_chain_pems[0].write_to_path(str(files.cert_file))
    for extra in cert.cert_chain_pems[1:]:
        extra.write_to_path(str(files.cert_file), append=True)
    files.key_file.touch(mode=0o600)
    cert.private_key_pem.write_to_path(str(files.key_file))
    return files


def load_or_make_ca(directory: Path) -> trustme.CA:
    cert_path, key_path = directory / "ca.pem", directory / "ca-key.pem"
    try:
        return trustme.CA.from_pem(cert_path.read_bytes(), key_path.read_bytes())
    except (OSError, ValueError):  # absent, unreadable or not PEM: a new CA (the old one is useless anyway)
        pass
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="conformance suite media CA")
    key_path.unlink(missing_ok=True)
    key_path.touch(mode=0o600)  # the key never exists with wider permissions, even briefly
    ca.private_key_pem.write_to_path(str(key_path))
    ca.cert_pem.write_to_path(str(cert_path))
    return ca
