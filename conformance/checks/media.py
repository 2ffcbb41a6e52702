"""Checks on what a stream delivered: one function per media rule, as in `conformance.checks`."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from conformance.common import codecs
from conformance.contract import media as expected_media
from conformance.records.media import Callback, MediaSession
from conformance.records.outcome import PASS, Failed, Outcome

CALLBACK_PARAMS = ("AccountSid", "ConferenceSid", "StreamSid", "StreamEvent", "Timestamp")
SILENCE_RMS = 50.0


@dataclass
class Delivery:
    """One stream: what was asked for, and what arrived."""

    sid: str
    account_sid: str
    fields: dict
    session: MediaSession | None
    callbacks: list[Callback]

    @property
    def codec(self) -> str:
        return self.fields.get("StreamCodec") or expected_media.DEFAULT_CODEC

    def events(self, name: str) -> list[dict]:
        return [m for m in (self.session.messages if self.session else []) if m.get("event") == name]


def connects(d: Delivery) -> Outcome:
    return PASS if d.session is not None else Failed(f"a WebSocket connection to {d.fields['Url']}", "none arrived")


def bearer(d: Delivery) -> Outcome:
    token = d.fields.get("AuthorizationBearerToken")
    if d.session is None or not token:
        return None
    got = d.session.headers.get("authorization")
    return PASS if got == f"Bearer {token}" else Failed("Authorization: Bearer <the token sent>",
                                                         "no Authorization header" if got is None else "another value")


def messages(d: Delivery) -> Outcome:
    if d.session is None:
        return None
    order = [m.get("event") for m in d.session.messages]
    body = [e for e in order[2:-1]]
    ok = (order[:2] == ["connected", "start"] and order[-1:] == ["stop"] and body and set(body) == {"media"}
          and d.session.bad_frames == 0)
    shown = " ".join(order[:4]) + (" ... " + order[-1] if len(order) > 4 else "")
    return PASS if ok else Failed("connected, start, media..., stop (JSON frames)", shown or "no messages")


def start(d: Delivery) -> Outcome:
    starts = d.events("start")
    if not starts:
        return None
    body = starts[0].get("start", {})
    expected = {"streamSid": d.sid, "accountSid": d.account_sid,
                "tracks": list(expected_media.TRACKS[d.fields.get("Track") or expected_media.DEFAULT_TRACK]),
                "customParameters": expected_media.custom_parameters(d.fields)}
    wrong = [k for k, v in expected.items() if body.get(k) != v]
    return PASS if not wrong else Failed(f"start with {', '.join(wrong)} as requested",
                                         ", ".join(f"{k}={body.get(k)!r}"[:80] for k in wrong))


def media_format(d: Delivery) -> Outcome:
    starts = d.events("start")
    if not starts:
        return None
    expected = expected_media.FORMATS[d.codec].as_message()
    got = starts[0].get("start", {}).get("mediaFormat")
    return PASS if got == expected else Failed(f"mediaFormat {expected} for {d.codec}", repr(got))


def decoded(d: Delivery, track: str | None = None) -> list[int]:
    encoding = expected_media.FORMATS[d.codec].encoding
    samples = []
    for m in d.events("media"):
        if track is None or m.get("media", {}).get("track") == track:
            with_payload = m.get("media", {}).get("payload", "")
            try:
                samples += codecs.decode(encoding, base64.b64decode(with_payload, validate=True))
            except (binascii.Error, ValueError):
                pass
    return samples


def audio(d: Delivery) -> Outcome:
    media = d.events("media")
    if not media:
        return None
    size = expected_media.FORMATS[d.codec].chunk_bytes
    for m in media:
        try:
            payload = base64.b64decode(m.get("media", {}).get("payload", ""), validate=True)
        except (binascii.Error, ValueError):
            return Failed("base64 payloads", "a payload that is not base64")
        if len(payload) != size:
            return Failed(f"{size} bytes per 20 ms chunk of {d.codec}", f"{len(payload)} bytes")
    level = codecs.rms(decoded(d))
    return PASS if level >= SILENCE_RMS else Failed("audible audio (RMS >= 50)", f"RMS {level:.1f}: silence")


def sequence(d: Delivery) -> Outcome:
    media = d.events("media")
    if not media:
        return None
    last: dict[str, tuple[int, int]] = {}
    for m in media:
        body = m.get("media", {})
        try:
            point = (int(body.get("chunk")), int(body.get("timestamp")))
        except (TypeError, ValueError):
            return Failed("numeric chunk and timestamp", repr(body.get("chunk")))
        previous = last.get(body.get("track"))
        if previous is not None and not (point[0] > previous[0] and point[1] > previous[1]):
            return Failed("chunk and timestamp increasing per track", f"{previous} then {point}")
        last[body.get("track")] = point
    return PASS


def callback_events(d: Delivery) -> Outcome:
    if not d.fields.get("StatusCallback"):
        return None
    events = {c.params.get("StreamEvent"): c for c in d.callbacks}
    missing = [e for e in ("stream-started", "stream-stopped") if e not in events]
    if missing:
        return Failed("stream-started and stream-stopped callbacks", f"missing {', '.join(missing)}")
    for c in events.values():
        absent = [p for p in CALLBACK_PARAMS if not c.params.get(p)]
        if absent or c.params.get("StreamSid") != d.sid:
            return Failed(f"callback parameters {', '.join(CALLBACK_PARAMS)} for stream {d.sid}",
                          f"missing {', '.join(absent)}" if absent else f"StreamSid {c.params.get('StreamSid')}")
    return PASS


def callback_method(d: Delivery) -> Outcome:
    if not d.fields.get("StatusCallback") or not d.callbacks:
        return None
    expected = d.fields.get("StatusCallbackMethod") or "POST"
    wrong = sorted({c.method for c in d.callbacks if c.method != expected})
    return PASS if not wrong else Failed(f"callbacks sent with {expected}", f"sent with {', '.join(wrong)}")


MEDIA_CHECKS = {
    "media-connects": connects, "media-bearer": bearer, "media-messages": messages, "media-start": start,
    "media-format": media_format, "media-audio": audio, "media-sequence": sequence,
    "callback-events": callback_events, "callback-method": callback_method,
}


def evaluate(d: Delivery) -> list[tuple[str, Outcome]]:
    return [(rule_id, outcome) for rule_id, fn in MEDIA_CHECKS.items() if (outcome := fn(d)) is not None]
