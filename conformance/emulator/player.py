"""The emulator's media side: a created stream dials `Url` and plays audio, as SignalWire documents.

`connected`, one `start`, `media` every 20 ms per track (a tone encoded with `StreamCodec`), and
`stop` when the stream is stopped; status callbacks to `StatusCallback` with its method. Each step
is a method, so that the self-tests' broken players override one at a time.

Only hosts in `MediaSettings.allowed_hosts` are dialled or called back (loopback by default): an
emulator must never reach out to the addresses that fuzzed requests name.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import ssl
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from urllib.parse import urlsplit

import requests

from conformance.common import codecs

log = logging.getLogger("conformance.emulator.media")
CHUNK_MS = 20
# codec -> (mediaFormat encoding, sample rate); the emulator's own reading of SignalWire's table
FORMATS = {"PCMU": (codecs.MULAW, 8000), "PCMA": (codecs.ALAW, 8000), "L16": (codecs.L16, 8000),
           "L16@16000h": (codecs.L16, 16000), "L16@24000h": (codecs.L16, 24000)}
TRACKS = {"inbound_track": ("inbound",), "outbound_track": ("outbound",), "both_tracks": ("inbound", "outbound")}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class MediaSettings:
    ca_file: str | None = None
    verify_tls: bool = False
    """Check the wss server's certificate (against `ca_file`, else the default trust store, which
    SSL_CERT_FILE can name); off by default, as SignalWire documents `streamSslValidateCertificate`."""
    allowed_hosts: frozenset[str] = LOOPBACK_HOSTS
    max_seconds: float = 60.0


@dataclass
class StreamState:
    sid: str
    account_sid: str
    conference_sid: str
    name: str | None
    fields: dict
    stopped: asyncio.Event = field(default_factory=asyncio.Event)


class StreamPlayer:
    def __init__(self, settings: MediaSettings, stream: StreamState) -> None:
        self.settings = settings
        self.stream = stream
        self.codec = stream.fields.get("StreamCodec") or "PCMU"
        self.encoding, self.sample_rate = FORMATS[self.codec]
        self.tracks = TRACKS[stream.fields.get("Track") or "both_tracks"]
        self.sequence = 0

    def allowed(self, url: str) -> bool:
        return (urlsplit(url).hostname or "") in self.settings.allowed_hosts

    # --- the WebSocket ------------------------------------------------------------------------
    def headers(self) -> dict[str, str]:
        token = self.stream.fields.get("AuthorizationBearerToken")
        return {"Authorization": f"Bearer {token}"} if token else {}

    def envelope(self, event: str, **body) -> dict:
        self.sequence += 1
        return {"event": event, "sequenceNumber": str(self.sequence), **body, "streamSid": self.stream.sid}

    def custom_parameters(self) -> dict[str, str]:
        from .validation import custom_parameters

        return custom_parameters(self.stream.fields)

    def start_message(self) -> dict:
        return self.envelope("start", start={
            "streamSid": self.stream.sid, "accountSid": self.stream.account_sid,
            "conferenceSid": self.stream.conference_sid, "tracks": list(self.tracks),
            "customParameters": self.custom_parameters(),
            "mediaFormat": {"encoding": self.encoding, "sampleRate": self.sample_rate, "channels": 1},
        })

    def chunk_samples(self) -> int:
        return self.sample_rate * CHUNK_MS // 1000

    def payload(self, chunk: int) -> bytes:
        count = self.chunk_samples()
        return codecs.encode(self.encoding, codecs.tone(self.sample_rate, (chunk - 1) * count, count))

    def media_message(self, track: str, chunk: int) -> dict:
        return self.envelope("media", media={
            "track": track, "chunk": str(chunk), "timestamp": str((chunk - 1) * CHUNK_MS),
            "payload": base64.b64encode(self.payload(chunk)).decode("ascii"),
        })

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.settings.ca_file)
        if not self.settings.verify_tls:
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        return context

    async def play(self) -> None:
        from websockets.asyncio.client import connect

        url = self.stream.fields["Url"]
        if not self.allowed(url):
            log.info("stream %s: not dialling %s (not an allowed host)", self.stream.sid, url)
            return
        try:
            async with connect(url, additional_headers=self.headers(), ssl=self.ssl_context(), open_timeout=5,
                               max_size=None) as ws:
                await ws.send(json.dumps(self.envelope("connected", protocol="Call", version="1.0.0")))
                await ws.send(json.dumps(self.start_message()))
                await self.callback("stream-started")
                await self._media_until_stopped(ws)
                await ws.send(json.dumps(self.envelope("stop", stop={"accountSid": self.stream.account_sid})))
        except (TimeoutError, OSError, ssl.SSLError, Exception) as exc:  # noqa: BLE001
            if isinstance(exc, asyncio.CancelledError):
                raise
            await self.callback("stream-error", error=f"could not stream to Url: {type(exc).__name__}")
            return
        await self.callback("stream-stopped")

    async def _media_until_stopped(self, ws) -> None:
        started, chunk = time.monotonic(), 0
        while not self.stream.stopped.is_set() and time.monotonic() - started < self.settings.max_seconds:
            chunk += 1
            for track in self.tracks:
                await ws.send(json.dumps(self.media_message(track, chunk)))
            due = started + chunk * CHUNK_MS / 1000
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stream.stopped.wait(), max(0.0, due - time.monotonic()))

    # --- status callbacks -----------------------------------------------------------------------
    def callback_method(self) -> str:
        return self.stream.fields.get("StatusCallbackMethod") or "POST"

    def callback_params(self, event: str, error: str | None) -> dict[str, str]:
        params = {"AccountSid": self.stream.account_sid, "ConferenceSid": self.stream.conference_sid,
                  "StreamSid": self.stream.sid, "StreamName": self.stream.name or "", "StreamEvent": event,
                  "Timestamp": formatdate(usegmt=True)}
        if error:
            params["StreamError"] = error
        return params

    async def callback(self, event: str, error: str | None = None) -> None:
        url = self.stream.fields.get("StatusCallback")
        if not url or not self.allowed(url):
            return
        method, params = self.callback_method(), self.callback_params(event, error)
        kwargs = {"params": params} if method == "GET" else {"data": params}
        verify = self.settings.ca_file or True
        try:
            await asyncio.to_thread(requests.request, method, url, timeout=5, verify=verify, **kwargs)
        except requests.RequestException as exc:
            log.info("stream %s: callback %s to %s failed: %s", self.stream.sid, event, url, exc)
