"""The suite's own ends of a stream: a WebSocket receiver and a status-callback receiver.

Both listen on one host of this machine (loopback unless told otherwise), on one background event
loop. Each stream the suite creates gets its own path (`/media/KEY`, `/cb/KEY`), so what arrives is
matched to the create that caused it.

The WebSocket receiver serves `wss` itself, with a certificate from the suite's CA (kept in
`tls_dir`, so that a vendor's server is told once to trust it) or with the user's own certificate.
Behind a public URL (a TLS-terminating tunnel in front of a real deployment) it speaks plain ws.
It records TLS handshakes that fail, since a target that does not trust the certificate never
reaches the HTTP request that would say which stream it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import socket
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

import uvicorn

from conformance.common.loopback import LOOPBACK_NAMES
from conformance.common.tls import media_tls_files
from conformance.records.media import Callback, MediaSession

MARK_AFTER_MEDIA = 5
"""Media messages received before the receiver sends its one mark (media-mark-echo)."""


def mark_message(session: MediaSession, key: str) -> dict | None:
    """The stream page's "Send a mark message" ({event, streamSid, mark: {name}}), once a start and a few media
    messages have arrived and none was sent yet; else None."""
    if session.marks_sent:
        return None
    messages = [m for m in session.messages if isinstance(m, dict)]
    start = next((m for m in messages if m.get("event") == "start"), None)
    if start is None or sum(m.get("event") == "media" for m in messages) < MARK_AFTER_MEDIA:
        return None
    body = start.get("start") if isinstance(start.get("start"), dict) else {}
    stream_sid = body.get("streamSid") or start.get("streamSid")
    return {"event": "mark", "streamSid": stream_sid, "mark": {"name": f"conformance-mark-{key}"}}


class _CallbackApp:
    def __init__(self, receivers: Receivers) -> None:
        self.receivers = receivers

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        params = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        key = scope["path"].rsplit("/", 1)[-1]
        self.receivers.callbacks.setdefault(key, []).append(Callback(scope["method"], params))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def listen_address(host: str) -> str:
    """The address to bind for `host` (an IP address, or a name of this machine)."""
    with contextlib.suppress(ValueError):
        return str(ipaddress.ip_address(host))
    return socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][4][0]


@dataclass
class HandshakeTally:
    """TLS handshakes at the WebSocket receiver. A client that does not trust the certificate
    either says so (an alert: a failure with its reason) or just closes (started, never completed)."""

    started: int = 0
    completed: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def abandoned(self) -> int:
        return self.started - self.completed - len(self.failures)


class Receivers:
    def __init__(self, *, media_public_url: str | None = None, callback_public_url: str | None = None,
                 media_port: int = 0, callback_port: int = 0, host: str = "127.0.0.1",
                 tls_dir: Path | None = None, cert_file: str | None = None, key_file: str | None = None) -> None:
        self.media_public_url = media_public_url.rstrip("/") if media_public_url else None
        self.callback_public_url = callback_public_url.rstrip("/") if callback_public_url else None
        self.media_port, self.callback_port = media_port, callback_port
        self.host = host
        self.tls_dir, self.cert_file, self.key_file = tls_dir, cert_file, key_file
        self.sessions: dict[str, MediaSession] = {}
        self.callbacks: dict[str, list[Callback]] = {}
        self.tls = HandshakeTally()
        self._stack = contextlib.ExitStack()
        self.ca_file: str | None = None
        """The suite's CA, when the receiver serves wss with a certificate from it."""

    @property
    def serves_tls(self) -> bool:
        return self.media_public_url is None

    # --- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> Receivers:
        try:
            context = self._tls_context() if self.serves_tls else None
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="receivers")
            self._thread.start()
            asyncio.run_coroutine_threadsafe(self._start(context), self._loop).result(timeout=15)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _tls_context(self) -> ssl.SSLContext:
        if self.cert_file is None:
            directory = self.tls_dir
            if directory is None:
                directory = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="receiver-tls-")))
            files = media_tls_files(directory, (*sorted(LOOPBACK_NAMES), self.host))
            self.ca_file = str(files.ca_file.resolve())
            self.cert_file, self.key_file = str(files.cert_file), str(files.key_file)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        context.sslobject_class = self._recording_sslobject()
        return context

    def _recording_sslobject(self) -> type[ssl.SSLObject]:
        tally = self.tls

        class RecordingSSLObject(ssl.SSLObject):
            def do_handshake(self) -> None:
                if not getattr(self, "_tallied", False):
                    self._tallied = True
                    tally.started += 1
                try:
                    super().do_handshake()
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    raise
                except ssl.SSLError as exc:
                    tally.failures.append(exc.reason or exc.strerror or type(exc).__name__)
                    raise
                tally.completed += 1

        return RecordingSSLObject

    async def _start(self, context: ssl.SSLContext | None) -> None:
        from websockets.asyncio.server import serve

        address = listen_address(self.host)
        self._ws_server = await serve(self._handle, address, self.media_port, ssl=context, max_size=None)
        self.media_port = self._ws_server.sockets[0].getsockname()[1]
        sock = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET)
        sock.bind((address, self.callback_port))
        self.callback_port = sock.getsockname()[1]
        config = uvicorn.Config(_CallbackApp(self), log_level="warning", access_log=False, lifespan="off")
        self._http = uvicorn.Server(config)
        self._http_task = asyncio.get_running_loop().create_task(self._http.serve(sockets=[sock]))
        while not self._http.started:
            await asyncio.sleep(0.01)

    async def _stop(self) -> None:
        if hasattr(self, "_ws_server"):
            self._ws_server.close()
        if hasattr(self, "_http"):
            self._http.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._http_task, 5)

    def __exit__(self, *exc) -> None:
        if hasattr(self, "_thread"):
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            with contextlib.suppress(RuntimeError):  # still running: the daemon thread ends with the process
                self._loop.close()
        self._stack.close()

    async def _handle(self, ws) -> None:
        key = ws.request.path.rsplit("/", 1)[-1]
        session = MediaSession({k.lower(): v for k, v in ws.request.headers.raw_items()})
        self.sessions[key] = session
        with contextlib.suppress(Exception):
            async for frame in ws:
                try:
                    session.messages.append(json.loads(frame))
                except (ValueError, TypeError):
                    session.bad_frames += 1
                    continue
                mark = mark_message(session, key)
                if mark is not None:  # the page: a mark is "echoed back when you send a mark"
                    session.marks_sent.append(mark["mark"]["name"])
                    await ws.send(json.dumps(mark))
        session.closed = True

    # --- addressing ----------------------------------------------------------------------------
    def media_url(self, key: str) -> str:
        return f"{self.media_public_url or 'wss://' + _netloc(self.host, self.media_port)}/media/{key}"

    def callback_url(self, key: str) -> str:
        return f"{self.callback_public_url or 'http://' + _netloc(self.host, self.callback_port)}/cb/{key}"

    def tls_description(self) -> str:
        """How the WebSocket receiver does TLS, for messages about a target that did not connect."""
        if not self.serves_tls:
            return f"your TLS terminator, to plain ws on port {self.media_port}"
        if self.ca_file is None:
            return "TLS, your certificate"
        return "TLS, a certificate from the suite's CA"

    def wait(self, predicate, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return predicate()
