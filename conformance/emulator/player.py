"""The emulator's media side: a created stream dials `Url` and plays audio in SignalWire's documented dialect.

Source: signalwire/docs `fern/products/compatibility-api/pages/cxml/voice/stream.mdx` (WebSocket
connection, messages, StatusCallback parameters, StreamError values). Where it differs from
Twilio's Media Streams pages, SignalWire's page wins: `connected` is version 0.2.0 and carries no
sequenceNumber or streamSid; `start` has no top-level streamSid and `customParameters` only when
parameters were defined; `stop` is `{event, sequenceNumber}`; `mark` has no sequenceNumber; and
`streamSid` rides on dtmf/mark only for bidirectional streams (a REST conference stream is not).

`connected`, one `start`, `media` every 20 ms per track (a tone encoded with `StreamCodec`), the echo of
every `mark` the receiver sends ("echoed back when you send a mark"), `dtmf` (and unsolicited `mark`) when
`MediaSettings` asks for them, and `stop` when the stream is stopped; status
callbacks to `StatusCallback` with its method and all ten documented parameters. Each step is a
method, so that the self-tests' broken players override one at a time.

Only hosts in `MediaSettings.allowed_hosts` are dialled or called back (loopback by default): an
emulator must never reach out to the addresses that fuzzed requests name.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import json
import logging
import ssl
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from conformance.common import codecs
from conformance.common.loopback import LOOPBACK_NAMES

log = logging.getLogger("conformance.emulator.media")
CHUNK_MS = 20
VERSION = "0.2.0"
# codec -> (mediaFormat encoding, sample rate): SignalWire's table for PCMU and L16@16000h/24000h; PCMA and
# plain L16 are the emulator's own reading (G.711 A-law at 8000 Hz; L16 at the G.711 rate)
FORMATS = {"PCMU": (codecs.MULAW, 8000), "PCMA": (codecs.ALAW, 8000), "L16": (codecs.L16, 8000),
           "L16@16000h": (codecs.L16, 16000), "L16@24000h": (codecs.L16, 24000)}
TRACKS = {"inbound_track": ("inbound",), "outbound_track": ("outbound",), "both_tracks": ("inbound", "outbound")}
DEFAULT_TRACK = "both_tracks"  # the REST page's default (the cXML <Stream> page says inbound_track)
LOOPBACK_HOSTS = LOOPBACK_NAMES
DTMF_EVERY, MARK_EVERY = 10, 10  # chunks between interleaved dtmf / mark messages, when asked for
# stream.mdx, Supported codecs: "`PCMU` (default) | `8000h`", "`L16` | `16000h`, `24000h`": the codecs the page
# says SignalWire streams. PCMA and plain L16 are only in the REST StreamCodec enum.
DOCUMENTED_CODECS = frozenset({"PCMU", "L16@16000h", "L16@24000h"})
UNSUPPORTED_CODECS = ("stream", "error")


@dataclass(frozen=True)
class MediaSettings:
    ca_file: str | None = None
    verify_tls: bool = False
    """Check the wss server's certificate (against `ca_file`, else the default trust store, which
    SSL_CERT_FILE can name); off by default, as SignalWire documents `streamSslValidateCertificate`."""
    allowed_hosts: frozenset[str] = LOOPBACK_HOSTS
    max_seconds: float = 60.0
    dtmf: bool = False
    """Interleave documented `dtmf` messages with the media (as a keypad press on the conference would)."""
    mark: bool = False
    """Interleave `mark` messages nobody asked for. Not what the stream page describes (a mark is "echoed back
    when you send a mark"; the emulator always does that, see `echo_mark`): kept, off by default, so that the
    suite's media-events rule has marks to judge while the suite's receivers send none."""
    unsupported_codecs: str = "stream"
    """What a stream does with a StreamCodec outside the page's "Supported codecs" (PCMA, plain L16):
    `stream` them (PCMA as G.711 A-law at 8000 Hz, L16 at 8000 Hz), or `error`: the create still answers 200
    (the REST enum lists them) but the stream reports stream-error with StreamError `codec_error` ("Codec not
    supported or misconfigured: Requested codec not enabled for your account", stream.mdx StreamError values)
    and never connects. `stream` is the default because the default target must pass every media rule, and
    until the suite treats a codec_error as "not applicable" a refused codec would fail media-connects."""

    def __post_init__(self) -> None:
        if self.unsupported_codecs not in UNSUPPORTED_CODECS:
            raise ValueError(f"unsupported_codecs is stream or error, got {self.unsupported_codecs!r}")


@dataclass
class StreamState:
    sid: str
    account_sid: str
    conference_sid: str
    name: str | None
    fields: dict
    stopped: asyncio.Event = field(default_factory=asyncio.Event)
    call_sid: str = field(default_factory=lambda: str(uuid.uuid4()))
    """The call session the stream belongs to: start.callSid, and CallSid/Unique-ID in callbacks."""


def stream_error_for(exc: BaseException) -> str:
    """The documented StreamError value for a failure to open the WebSocket (stream.mdx, StreamError values)."""
    from websockets.exceptions import InvalidHandshake, InvalidURI

    if isinstance(exc, ConnectionRefusedError):
        return "connection_refused"  # "Your WebSocket server refused the connection"
    if isinstance(exc, TimeoutError | ssl.SSLError | OSError):
        return "connection_refused_timeout_or_ssl_error"  # "WebSocket server unreachable or SSL certificate issues"
    if isinstance(exc, InvalidURI):
        return "invalid_url"  # "Invalid WebSocket URL format"
    if isinstance(exc, InvalidHandshake):
        # a refused upgrade (a non-101 status) or an answer that is no WebSocket handshake: the server did not
        # take the connection, "Your WebSocket server refused the connection"
        return "connection_refused"
    # "general_error: Internal stream initialization failed": left for what is the emulator's own failure
    return "general_error"


class StreamPlayer:
    chunk_ms = CHUNK_MS

    def __init__(self, settings: MediaSettings, stream: StreamState) -> None:
        self.settings = settings
        self.stream = stream
        self.codec = stream.fields.get("StreamCodec") or "PCMU"
        self.encoding, self.sample_rate = FORMATS[self.codec]
        self.track_setting = stream.fields.get("Track") or DEFAULT_TRACK
        self.tracks = TRACKS[self.track_setting]
        self.sequence = 0

    def allowed(self, url: str) -> bool:
        return (urlsplit(url).hostname or "") in self.settings.allowed_hosts

    # --- the WebSocket ------------------------------------------------------------------------
    def headers(self) -> dict[str, str]:
        token = self.stream.fields.get("AuthorizationBearerToken")
        return {"Authorization": f"Bearer {token}"} if token else {}

    def next_sequence_number(self) -> str:
        self.sequence += 1
        return str(self.sequence)

    def connected_message(self) -> dict:
        return {"event": "connected", "protocol": "Call", "version": VERSION}

    def custom_parameters(self) -> dict[str, str]:
        from .validation import custom_parameters

        return custom_parameters(self.stream.fields)

    def start_message(self) -> dict:
        body = {"streamSid": self.stream.sid, "accountSid": self.stream.account_sid,
                "callSid": self.stream.call_sid, "tracks": list(self.tracks)}
        parameters = self.custom_parameters()
        if parameters:  # "Only present when custom parameters are defined."
            body["customParameters"] = parameters
        body["mediaFormat"] = {"encoding": self.encoding, "sampleRate": self.sample_rate, "channels": 1}
        return {"event": "start", "sequenceNumber": self.next_sequence_number(), "start": body}

    def chunk_samples(self) -> int:
        return self.sample_rate * self.chunk_ms // 1000

    def payload(self, chunk: int) -> bytes:
        count = self.chunk_samples()
        return codecs.encode(self.encoding, codecs.tone(self.sample_rate, (chunk - 1) * count, count))

    def media_message(self, track: str, chunk: int) -> dict:
        return {"event": "media", "sequenceNumber": self.next_sequence_number(), "media": {
            "track": track, "chunk": str(chunk), "timestamp": str((chunk - 1) * self.chunk_ms),
            "payload": base64.b64encode(self.payload(chunk)).decode("ascii"),
        }}

    def dtmf_message(self, chunk: int) -> dict:
        digit = "0123456789*#ABCD"[(chunk // DTMF_EVERY) % 16]
        return {"event": "dtmf", "sequenceNumber": self.next_sequence_number(),
                "dtmf": {"digit": digit, "duration": 2 * self.chunk_ms}}

    def mark_message(self, chunk: int) -> dict:
        return {"event": "mark", "mark": {"name": f"mark-{chunk // MARK_EVERY}"}}

    def echo_mark(self, message: object) -> dict | None:
        """The acknowledgement of a `mark` the receiver sent: stream.mdx, Mark message: "These responses match
        the mark identifiers from your earlier transmissions", `{"event": "mark", "mark": {"name": ...}}`
        ("mark.name: The mark identifier echoed back from your original transmission"), and streamSid "Only
        included for bidirectional streams" (a REST conference stream is not). Echoed at once: the emulator
        queues no audio into the call, and "SignalWire responds ... once the audio completes playing (or
        immediately if no audio is queued)". Anything else the receiver sends is ignored."""
        if not isinstance(message, dict) or message.get("event") != "mark":
            return None
        mark = message.get("mark")
        name = mark.get("name") if isinstance(mark, dict) else None
        return {"event": "mark", "mark": {"name": name}} if isinstance(name, str) else None

    def stop_message(self) -> dict:
        return {"event": "stop", "sequenceNumber": self.next_sequence_number()}

    def between_chunks(self, chunk: int) -> list[dict]:
        """The dtmf and mark messages to interleave after `chunk`'s media, when the settings ask for them."""
        extra = []
        if self.settings.dtmf and chunk % DTMF_EVERY == 3:
            extra.append(self.dtmf_message(chunk))
        if self.settings.mark and chunk % MARK_EVERY == 7:
            extra.append(self.mark_message(chunk))
        return extra

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.settings.ca_file)
        if not self.settings.verify_tls:
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        return context

    def codec_refused(self) -> bool:
        return self.settings.unsupported_codecs == "error" and self.codec not in DOCUMENTED_CODECS

    async def play(self) -> None:
        from websockets.asyncio.client import connect

        url = self.stream.fields["Url"]
        if self.codec_refused():
            # stream.mdx StreamError values: `codec_error`, "Codec not supported or misconfigured", "Requested
            # codec not enabled for your account": reported on the callback; the WebSocket is never dialled
            await self.callback("stream-error", error="codec_error")
            return
        if not self.allowed(url):
            # never dialled, so to the stream it is a Url nobody answers: a real deployment reports that
            # as a stream-error (the callback itself still goes to allowed hosts only)
            log.info("stream %s: not dialling %s (not an allowed host)", self.stream.sid, url)
            await self.callback("stream-error", error="connection_refused")
            return
        try:
            ws = await connect(url, additional_headers=self.headers(), ssl=self.ssl_context(), open_timeout=5,
                               max_size=None)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure to dial is a stream-error, as documented
            await self.callback("stream-error", error=stream_error_for(exc))
            return
        echoes: asyncio.Queue = asyncio.Queue()
        reader = None
        try:
            async with ws:
                await ws.send(json.dumps(self.connected_message()))
                await ws.send(json.dumps(self.start_message()))
                await self.callback("stream-started")
                reader = asyncio.get_running_loop().create_task(self._read_marks(ws, echoes))
                await self._media_until_stopped(ws, echoes)
                await ws.send(json.dumps(self.stop_message()))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the receiver went away mid-stream
            # The page has no StreamError for a receiver that hangs up (`general_error` is "Internal stream
            # initialization failed", not this); the stream has stopped, and the callback goes "when a Stream
            # is started, stopped or there is an error": stream-stopped, without a StreamError.
            log.info("stream %s: the WebSocket ended early: %s", self.stream.sid, exc)
        finally:
            if reader is not None:
                reader.cancel()
        await self.callback("stream-stopped")

    async def _read_marks(self, ws, echoes: asyncio.Queue) -> None:
        """Read what the receiver sends, and queue the echo of every mark (sent between media chunks, so that
        only one task ever sends on the socket)."""
        with contextlib.suppress(Exception):
            async for raw in ws:
                try:
                    message = json.loads(raw)
                except (ValueError, TypeError):
                    continue
                echo = self.echo_mark(message)
                if echo is not None:
                    echoes.put_nowait(echo)

    async def _media_until_stopped(self, ws, echoes: asyncio.Queue | None = None) -> None:
        started, chunk = time.monotonic(), 0
        while not self.stream.stopped.is_set() and time.monotonic() - started < self.settings.max_seconds:
            chunk += 1
            for track in self.tracks:
                await ws.send(json.dumps(self.media_message(track, chunk)))
            for message in self.between_chunks(chunk):
                await ws.send(json.dumps(message))
            while echoes is not None and not echoes.empty():
                await ws.send(json.dumps(echoes.get_nowait()))
            due = started + chunk * self.chunk_ms / 1000
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stream.stopped.wait(), max(0.0, due - time.monotonic()))

    # --- status callbacks -----------------------------------------------------------------------
    def callback_method(self) -> str:
        return self.stream.fields.get("StatusCallbackMethod") or "POST"

    def timestamp(self) -> str:
        """ISO 8601, UTC, to the millisecond: "The time of the event in ISO 8601 format."."""
        return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def callback_params(self, event: str, error: str | None) -> dict[str, str]:
        params = {"AccountSid": self.stream.account_sid, "CallSid": self.stream.call_sid,
                  "ConferenceSid": self.stream.conference_sid, "StreamEvent": event,
                  "StreamName": self.stream.name or self.stream.sid, "StreamSid": self.stream.sid,
                  "StreamTrack": self.track_setting, "Timestamp": self.timestamp(),
                  "Unique-ID": self.stream.call_sid}
        if error:  # "If an error has occurred, this will contain a detailed error message."
            params["StreamError"] = error
        return dict(sorted(params.items()))

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
