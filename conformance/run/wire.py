"""Exact bytes on one kept-alive HTTP/1.1 connection: what `requests` and Schemathesis cannot send.

They fix the framing (Content-Length, no chunking), refuse CR/LF in header values, merge duplicate
headers, and always send a Content-Type with a body. The dimension model's framing and connection
classes (a missing Content-Type, a Content-Length that lies, chunked bodies, two Authorization headers,
requests after every kind of answer on one connection) need each byte as written: `WireConnection.send`
writes a request exactly and reads one response (Content-Length or chunked framing), so the next request
goes on the same connection. No planner step uses it yet; the lead wires it in, and must send through the
run's governor (rate and budget) when doing so: this module counts nothing itself.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 1 << 20


class WireError(Exception):
    """The connection closed or the answer was not HTTP/1.1 we can read; the message says which."""


@dataclass(frozen=True)
class WireResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        found = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(found) if found else None


class WireConnection:
    """One TCP (or TLS) connection to the target's host, kept alive across `send` calls."""

    def __init__(self, base_url: str, *, verify: ssl.SSLContext | bool | str = True,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.authority = parts.netloc.rpartition("@")[2]
        self.tls = parts.scheme == "https"
        self.verify = verify
        self.timeout = timeout
        self._sock: socket.socket | None = None
        self._buffer = b""

    def __enter__(self) -> WireConnection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._buffer = b""

    @property
    def open(self) -> bool:
        return self._sock is not None

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        if self.tls:
            if isinstance(self.verify, ssl.SSLContext):
                context = self.verify
            elif isinstance(self.verify, str):
                context = ssl.create_default_context(cafile=self.verify)
            elif self.verify:
                context = ssl.create_default_context()
            else:
                context = ssl._create_unverified_context()  # noqa: S323 - the user asked for --insecure
            sock = context.wrap_socket(sock, server_hostname=self.host)
        return sock

    # --- building requests ---------------------------------------------------------------------
    def request_bytes(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes = b"", *,
                      content_length: bool | int = True) -> bytes:
        """The request as it goes on the wire: `headers` as given (duplicates kept, nothing added but Host),
        then Content-Length: the body's length (True), a stated number (an int, which may lie), or none."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.authority}"]
        lines += [f"{name}: {value}" for name, value in headers]
        if content_length is True:
            lines.append(f"Content-Length: {len(body)}")
        elif content_length is not False:
            lines.append(f"Content-Length: {int(content_length)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    # --- sending ------------------------------------------------------------------------------------
    def send(self, raw: bytes) -> WireResponse:
        """Write `raw` exactly, read one response. Reconnects first if the server closed the connection."""
        if self._sock is None:
            self._sock = self._connect()
        try:
            self._sock.sendall(raw)
            response = self._read_response()
        except (OSError, WireError):
            self.close()
            raise
        if (response.header("Connection") or "").lower() == "close":
            self.close()
        return response

    def _fill(self) -> None:
        assert self._sock is not None
        chunk = self._sock.recv(65536)
        if not chunk:
            raise WireError("the server closed the connection before answering in full")
        self._buffer += chunk
        if len(self._buffer) > MAX_RESPONSE_BYTES:
            raise WireError(f"the answer is larger than {MAX_RESPONSE_BYTES} bytes")

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self._buffer:
            self._fill()
        head, _, self._buffer = self._buffer.partition(marker)
        return head

    def _read_exactly(self, count: int) -> bytes:
        while len(self._buffer) < count:
            self._fill()
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def _read_response(self) -> WireResponse:
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        status_line, *header_lines = head.split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise WireError(f"not an HTTP/1.1 status line: {status_line[:80]!r}")
        headers = [(k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in header_lines)]
        response = WireResponse(int(parts[1]), headers, b"")
        if (response.header("Transfer-Encoding") or "").lower().endswith("chunked"):
            body = self._read_chunked()
        elif (length := response.header("Content-Length")) is not None:
            body = self._read_exactly(int(length))
        elif response.status in (204, 304) or 100 <= response.status < 200:
            body = b""
        else:  # no framing: the body runs to the connection's close
            try:
                while True:
                    self._fill()
            except WireError:
                pass
            body, self._buffer = self._buffer, b""
            self.close()
        return WireResponse(response.status, headers, body)

    def _read_chunked(self) -> bytes:
        body = b""
        while True:
            size = int(self._read_until(b"\r\n").split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self._read_until(b"\r\n")  # no trailers expected: the empty line
                return body
            body += self._read_exactly(size)
            self._read_exactly(2)
