"""Serving the emulator with uvicorn: in the foreground (`conformance emulate`) or on a thread.

uvicorn is the most used ASGI server, and with its `standard` extra (httptools and uvloop) it
parses HTTP in C; a single process is deliberate, because the Name-uniqueness invariant lives in
that process's memory.
"""

from __future__ import annotations

import contextlib
import gc
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from conformance.common.tls import TLSFiles, make_tls_files

from .app import EmulatorApp
from .settings import API_ROOT, EmulatorSettings

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class RunningEmulator:
    """What a client needs to talk to a running emulator."""

    base_url: str
    project_id: str
    api_token: str
    conference_sids: tuple[str, ...]
    app: EmulatorApp
    ca_file: Path | None = None
    scopeless_token: str | None = field(default=None, repr=False)
    """The project's token without the Voice scope (token-scope), if the emulator has one."""

    @property
    def account_sid(self) -> str:
        return self.project_id

    @property
    def conference_sid(self) -> str:
        return self.conference_sids[0]

    @property
    def streams_url(self) -> str:
        return f"{self.base_url}/Accounts/{self.account_sid}/Conferences/{self.conference_sid}/Streams"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.project_id, self.api_token)

    @property
    def verify(self) -> str | bool:
        return str(self.ca_file) if self.ca_file else True


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _config(app: EmulatorApp, tls: TLSFiles | None) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        http="httptools",
        loop="uvloop",
        ws="none",
        backlog=2048,
        timeout_keep_alive=30,
        # a client that keeps its keep-alive connection busy must not hold a stopping server open
        timeout_graceful_shutdown=2,
        server_header=False,
        ssl_certfile=str(tls.cert_file) if tls else None,
        ssl_keyfile=str(tls.key_file) if tls else None,
    )


def base_url_for(sock: socket.socket, tls: bool) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}{API_ROOT}"


def describe(sock: socket.socket, app: EmulatorApp, tls: TLSFiles | None) -> RunningEmulator:
    s = app.settings
    return RunningEmulator(
        base_url_for(sock, tls is not None), s.project_id, s.api_token, s.conference_sids, app,
        tls.ca_file if tls else None, s.scopeless_token,
    )


def _freeze_imports() -> None:
    # Everything alive at start-up (modules, the contract, compiled validators) lives as long as
    # the process; frozen, it is skipped by every full collection instead of costing ~50 ms each.
    gc.collect()
    gc.freeze()


def serve_forever(sock: socket.socket, app: EmulatorApp, tls: TLSFiles | None) -> None:
    """Serve until SIGINT or SIGTERM (uvicorn installs the handlers on the main thread)."""
    _freeze_imports()
    uvicorn.Server(_config(app, tls)).run(sockets=[sock])


@contextlib.contextmanager
def running_emulator(
    settings: EmulatorSettings | None = None,
    *,
    app: EmulatorApp | None = None,
    host: str = LOOPBACK,
    port: int = 0,
    tls: bool = False,
) -> Iterator[RunningEmulator]:
    """Start the emulator on a thread, on a free loopback port; stop it on leaving the block.

    Pass `app` (an `EmulatorApp` or a subclass) to serve a customised server.
    """
    app = app or EmulatorApp(settings)
    with contextlib.ExitStack() as stack:
        tls_files = None
        if tls:
            tls_files = make_tls_files(Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="emulator-tls-"))))
        sock = bind_socket(host, port)
        stack.callback(sock.close)
        server = uvicorn.Server(_config(app, tls_files))
        _freeze_imports()
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="emulator")
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the emulator did not start")
            time.sleep(0.01)
        try:
            yield describe(sock, app, tls_files)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
