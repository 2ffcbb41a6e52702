"""G.711 (mu-law, A-law) and L16 both ways, by the MIME encoding name a stream's `mediaFormat` carries.

Which `StreamCodec` means which encoding is the contract's word (`conformance.contract.media`)
for the suite, and the emulator's own table for the emulator: this module only converts samples.

G.711 is written out (ITU-T G.711 segment tables) because `audioop` is deprecated and gone from
Python 3.13; it is a few lines and both sides of the suite need it.
"""

from __future__ import annotations

import math
import struct

MULAW = "audio/x-mulaw"
ALAW = "audio/x-alaw"
L16 = "audio/x-L16"
BYTES_PER_SAMPLE = {MULAW: 1, ALAW: 1, L16: 2}


_SEG_ULAW = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)
_SEG_ALAW = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)


def _segment(value: int, ends: tuple[int, ...]) -> int:
    return next((i for i, end in enumerate(ends) if value <= end), len(ends))


def _ulaw_byte(sample: int) -> int:
    pcm = sample >> 2  # 14-bit, as the ITU-T reference encoder
    mask = 0xFF
    if pcm < 0:
        pcm, mask = -pcm, 0x7F
    pcm = min(pcm, 8159) + 0x21
    seg = _segment(pcm, _SEG_ULAW)
    if seg >= 8:
        return 0x7F ^ mask
    return ((seg << 4) | ((pcm >> (seg + 1)) & 0x0F)) ^ mask


def _ulaw_sample(byte: int) -> int:
    byte = ~byte & 0xFF
    exponent, mantissa = (byte >> 4) & 0x07, byte & 0x0F
    magnitude = ((mantissa << 3) + 0x84) << exponent
    return (0x84 - magnitude) if byte & 0x80 else (magnitude - 0x84)


def _alaw_byte(sample: int) -> int:
    pcm = sample >> 3  # 13-bit, as the ITU-T reference encoder
    mask = 0xD5
    if pcm < 0:
        pcm, mask = -pcm - 1, 0x55
    seg = _segment(pcm, _SEG_ALAW)
    if seg >= 8:
        return 0x7F ^ mask
    low = (pcm >> 1) if seg < 2 else (pcm >> seg)
    return ((seg << 4) | (low & 0x0F)) ^ mask


def _alaw_sample(byte: int) -> int:
    byte ^= 0x55
    exponent, mantissa = (byte >> 4) & 0x07, byte & 0x0F
    magnitude = (mantissa << 4) + 8 if exponent == 0 else ((mantissa << 4) + 0x108) << (exponent - 1)
    return magnitude if byte & 0x80 else -magnitude


_ULAW_DECODE = [_ulaw_sample(b) for b in range(256)]
_ALAW_DECODE = [_alaw_sample(b) for b in range(256)]


def encode(encoding: str, samples: list[int]) -> bytes:
    if encoding == MULAW:
        return bytes(_ulaw_byte(s) for s in samples)
    if encoding == ALAW:
        return bytes(_alaw_byte(s) for s in samples)
    return struct.pack(f">{len(samples)}h", *samples)  # L16 is network byte order (RFC 3551)


def decode(encoding: str, payload: bytes) -> list[int]:
    if encoding == MULAW:
        return [_ULAW_DECODE[b] for b in payload]
    if encoding == ALAW:
        return [_ALAW_DECODE[b] for b in payload]
    return list(struct.unpack(f">{len(payload) // 2}h", payload[: len(payload) // 2 * 2]))


def tone(sample_rate: int, start: int, count: int, frequency: float = 440.0, amplitude: int = 8000) -> list[int]:
    """`count` samples of a sine tone from sample index `start`: synthetic speech-band audio."""
    step = 2 * math.pi * frequency / sample_rate
    return [int(amplitude * math.sin(step * (start + i))) for i in range(count)]


def rms(samples: list[int]) -> float:
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0
