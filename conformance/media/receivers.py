"""The suite's own ends of a stream: a WebSocket receiver and a status-callback receiver.

Both listen on loopback, on one background event loop. Each stream the suite creates gets its own
path (`/media/KEY`, `/cb/KEY`), so what arrives is matched to the create that caused it. Against a
real deployment, the user's public URLs (a TLS-terminating tunnel) stand in front of them, and the
WebSocket receiver then speaks plain ws behind the tunnel.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl

import uvicorn

from conformance.common.tls import make_tls_files
from conformance.records.media import Callback, MediaSession


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


class Receivers:
    def __init__(self, *, media_public_url: str | None = None, callback_public_url: str | None = None,
                 media_port: int = 0, callback_port: int = 0) -> None:
        self.media_public_url = media_public_url.rstrip("/") if media_public_url else None
        self.callback_public_url = callback_public_url.rstrip("/") if callback_public_url else None
        self.media_port, self.callback_port = media_port, callback_port
        self.sessions: dict[str, MediaSession] = {}
        self.callbacks: dict[str, list[Callback]] = {}
        self._stack = contextlib.ExitStack()
        self.ca_file: str | None = None

    # --- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> Receivers:
        tls = None
        if self.media_public_url is None:
            tmp = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="receiver-tls-")))
            tls = make_tls_files(tmp)
            self.ca_file = str(tls.ca_file)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="receivers")
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(tls), self._loop).result(timeout=15)
        return self

    async def _start(self, tls) -> None:
        import ssl

        from websockets.asyncio.server import serve

        context = None
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls.cert_file), str(tls.key_file))
        self._ws_server = await serve(self._handle, "127.0.0.1", self.media_port, ssl=context, max_size=None)
        self.media_port = self._ws_server.sockets[0].getsockname()[1]
        sock = socket.socket()
        sock.bind(("127.0.0.1", self.callback_port))
        self.callback_port = sock.getsockname()[1]
        config = uvicorn.Config(_CallbackApp(self), log_level="warning", access_log=False, lifespan="off")
        self._http = uvicorn.Server(config)
        self._http_task = asyncio.get_running_loop().create_task(self._http.serve(sockets=[sock]))
        while not self._http.started:
            await asyncio.sleep(0.01)

    async def _stop(self) -> None:
        self._ws_server.close()
        self._http.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._http_task, 5)

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
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
        session.closed = True

    # --- addressing ----------------------------------------------------------------------------
    def media_url(self, key: str) -> str:
        return f"{self.media_public_url or f'wss://127.0.0.1:{self.media_port}'}/media/{key}"

    def callback_url(self, key: str) -> str:
        return f"{self.callback_public_url or f'http://127.0.0.1:{self.callback_port}'}/cb/{key}"

    def wait(self, predicate, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return predicate()
