"""What a created stream must deliver, as the suite reads SignalWire's stream documents.

The REST document fixes the codec and track names; the stream messages' documentation fixes what
`start` says of them. The emulator keeps its own tables (two validators, on purpose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from conformance.common.codecs import ALAW, BYTES_PER_SAMPLE, L16, MULAW

from . import document

CHUNK_MS = 20


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


FORMATS = {
    "PCMU": MediaFormat(MULAW, 8000),
    "PCMA": MediaFormat(ALAW, 8000),
    "L16": MediaFormat(L16, 8000),
    "L16@16000h": MediaFormat(L16, 16000),
    "L16@24000h": MediaFormat(L16, 24000),
}
DEFAULT_CODEC = document.enum_default("StreamCodec") or "PCMU"
TRACKS = {"inbound_track": ("inbound",), "outbound_track": ("outbound",), "both_tracks": ("inbound", "outbound")}
DEFAULT_TRACK = "both_tracks"

_PARAM_KEY = re.compile(r"^Parameter(\d+)\.(Name|Value)$")


def custom_parameters(fields: dict[str, Any]) -> dict[str, str]:
    """`start.customParameters` for a create's fields: each `ParameterN.Name` mapped to its `ParameterN.Value`."""
    pairs: dict[int, dict[str, str]] = {}
    for key, value in fields.items():
        if match := _PARAM_KEY.match(key):
            pairs.setdefault(int(match.group(1)), {})[match.group(2)] = str(value)
    return {pair["Name"]: pair.get("Value", "") for _, pair in sorted(pairs.items()) if "Name" in pair}
