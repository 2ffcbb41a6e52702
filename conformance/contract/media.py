"""What a created stream must deliver, as SignalWire documents it, and what is only inferred.

Sources (signalwire/docs): the cXML `<Stream>` page,
`fern/products/compatibility-api/pages/cxml/voice/stream.mdx` (WebSocket connection, the messages,
StatusCallback parameters, StreamError values, codecs), and the REST reference generated from
`fern/apis/compatibility/openapi.yaml` (Create a Conference Stream). Where SignalWire's page and
Twilio's Media Streams pages differ, SignalWire's page is the contract. The positions (MUST, SHOULD,
open) are written in `rules.py`; this module holds the facts the checks compare against. The
emulator keeps its own tables (two validators, on purpose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from conformance.common.codecs import ALAW, BYTES_PER_SAMPLE, L16, MULAW

from . import document

CHUNK_MS = 20
"""The emulator's chunk length, and Twilio's in practice; undocumented, so an open point."""

EVENTS = ("connected", "start", "media", "dtmf", "mark", "stop")
"""stream.mdx: "SignalWire sends the following event types to your WebSocket server"."""
BETWEEN_START_AND_STOP = frozenset({"media", "dtmf", "mark"})
PROTOCOL = "Call"
DOCUMENTED_VERSION = "0.2.0"
"""stream.mdx, Connected message: "Semantic version of the protocol. Current version: `0.2.0`"."""
SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
DTMF_DIGITS = frozenset("0123456789*#ABCD")
"""stream.mdx, DTMF message: "dtmf.digit: The digit that was pressed. Values: 0-9, *, #, A-D."."""

CALLBACK_EVENTS = ("stream-started", "stream-stopped", "stream-error")
CALLBACK_PARAMETERS = ("AccountSid", "CallSid", "ConferenceSid", "StreamError", "StreamEvent", "StreamName",
                       "StreamSid", "StreamTrack", "Timestamp", "Unique-ID")
"""stream.mdx, "StatusCallback parameters" (all ten)."""
STREAM_ERRORS = ("invalid_url", "missing_url", "invalid_track", "codec_error", "connection_refused",
                 "connection_refused_timeout_or_ssl_error", "general_error", "Duplicated stream ID",
                 "Duplicated stream name")
"""stream.mdx, "StreamError values": "the `StreamError` field will contain one of the following values"."""


@dataclass(frozen=True)
class MediaFormat:
    encoding: str
    sample_rate: int

    @property
    def bytes_per_sample(self) -> int:
        return BYTES_PER_SAMPLE[self.encoding]

    @property
    def chunk_bytes(self) -> int:
        return self.sample_rate * CHUNK_MS // 1000 * self.bytes_per_sample

    def as_message(self) -> dict:
        return {"encoding": self.encoding, "sampleRate": self.sample_rate, "channels": 1}


DOCUMENTED_FORMATS: dict[str, tuple[str, int | None]] = {
    "PCMU": (MULAW, 8000),
    "L16@16000h": (L16, 16000),
    "L16@24000h": (L16, 24000),
    "L16": (L16, None),
}
"""What stream.mdx's Start table fixes per StreamCodec: "`audio/x-mulaw` (PCMU), `audio/x-L16` (L16)";
"8000 (PCMU), 16000 (L16), or 24000 (L16)". Plain L16's rate and PCMA are not documented."""

FORMATS = {
    "PCMU": MediaFormat(MULAW, 8000),
    "PCMA": MediaFormat(ALAW, 8000),
    "L16": MediaFormat(L16, 8000),
    "L16@16000h": MediaFormat(L16, 16000),
    "L16@24000h": MediaFormat(L16, 24000),
}
"""Every StreamCodec of the REST enum with the format the suite expects: documented, or (PCMA, plain
L16) inferred by analogy (a SHOULD: `media-format-inferred`)."""
DEFAULT_CODEC = document.enum_default("StreamCodec") or "PCMU"
"""The REST page gives StreamCodec no default; the cXML page's `codec` defaults to `PCMU@8000h`."""
KNOWN_ENCODINGS = frozenset(BYTES_PER_SAMPLE)

SUPPORTED_CODECS = ("PCMU", "L16@16000h", "L16@24000h")
"""stream.mdx, "Supported codecs": "`PCMU` (default) | `8000h`", "`L16` | `16000h`, `24000h`". PCMA and plain
L16 (no rate) are in the REST enum only: a target may refuse to stream them."""
CODEC_ERROR = "codec_error"
"""stream.mdx, StreamError values: `codec_error` "Codec not supported or misconfigured", "Requested codec not
enabled for your account"."""
CONTAINER_MAGIC = {b"RIFF": "RIFF/WAVE", b"RIFX": "RIFX/WAVE", b"FORM": "AIFF", b"OggS": "Ogg", b"fLaC": "FLAC",
                   b".snd": "Sun .au", b"ID3": "MP3 (ID3)", b"caff": "CAF"}
"""File headers that "raw audio data" (stream.mdx, media.payload) never starts with."""
FIRST_TIMESTAMP_MS = 60_000
"""How far from 0 the first media.timestamp of a track may be: "milliseconds from the start of the stream". A
minute covers a stream that started before its WebSocket connected; an epoch value (10^12 ms) is far beyond."""

TRACKS = {"inbound_track": ("inbound",), "outbound_track": ("outbound",), "both_tracks": ("inbound", "outbound")}
DEFAULT_TRACK = document.enum_default("Track") or "both_tracks"
"""The REST page: "Default is `both_tracks`"."""
TOLERATED_DEFAULT_TRACKS = ("both_tracks", "inbound_track")
"""The REST page's default, and the cXML page's (`track` ... `default="inbound_track"`, Twilio's too)."""

_PARAM_KEY = document.PARAMETER_KEY


def custom_parameters(fields: dict[str, Any]) -> dict[str, str]:
    """`start.customParameters` for a create's fields: each `ParameterN.Name` mapped to its `ParameterN.Value`."""
    pairs: dict[int, dict[str, str]] = {}
    for key, value in fields.items():
        if match := _PARAM_KEY.match(key):
            pairs.setdefault(int(match.group(1)), {})[match.group(2)] = str(value)
    return {pair["Name"]: pair.get("Value", "") for _, pair in sorted(pairs.items()) if "Name" in pair}


def counter(value: Any) -> int | None:
    """A documented counter (`sequenceNumber`, `chunk`, `timestamp`): the examples quote it ("1"), a JSON
    number is read the same (open point `media-number-or-string`); anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def milliseconds(value: Any) -> float | None:
    """`media.timestamp`: a whole or fractional number of milliseconds, as a string or a JSON number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if number == number and abs(number) != float("inf") else None
    return None
