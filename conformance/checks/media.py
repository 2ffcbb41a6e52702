"""Checks on what a stream delivered: one function per media rule, as in `conformance.checks.rest`.

Each compares a documented field with what the documents and the create request fix (the facts
are in `conformance.contract.media`, the positions in `rules.py`). Undocumented extra fields, and
counters sent as numbers instead of the examples' strings, are open points: never judged.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass, field

from conformance.common import codecs
from conformance.contract import media as expected_media
from conformance.contract import rules
from conformance.records.media import Callback, MediaSession
from conformance.records.outcome import PASS, Failed, Outcome

from .registry import Registry

MEDIA = Registry("media")
check = MEDIA.check
SILENCE_RMS = 50.0
TIMESTAMP_FACTOR = 1.5
CLOCK_SKEW = dt.timedelta(minutes=10)


@dataclass
class Delivery:
    """One stream: what was asked for, and what arrived."""

    sid: str
    account_sid: str
    fields: dict
    session: MediaSession | None
    callbacks: list[Callback]
    conference_sid: str | None = None
    unanswered: bool = False
    """The stream's Url is one nobody answers (the probe's stream-error case)."""
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def codec(self) -> str:
        return self.fields.get("StreamCodec") or expected_media.DEFAULT_CODEC

    @property
    def messages(self) -> list[dict]:
        return [m for m in (self.session.messages if self.session else []) if isinstance(m, dict)]

    def events(self, name: str) -> list[dict]:
        return [m for m in self.messages if m.get("event") == name]

    def start_body(self) -> dict | None:
        starts = self.events("start")
        body = starts[0].get("start") if starts else None
        return body if isinstance(body, dict) else None

    def media_format(self) -> expected_media.MediaFormat | None:
        """The format start advertised, if it is one the suite can decode."""
        fmt = (self.start_body() or {}).get("mediaFormat")
        if not isinstance(fmt, dict):
            return None
        encoding, rate = fmt.get("encoding"), fmt.get("sampleRate")
        if encoding not in expected_media.KNOWN_ENCODINGS or expected_media.counter(rate) in (None, 0):
            return None
        return expected_media.MediaFormat(encoding, expected_media.counter(rate))

    def media(self, track: str | None = None) -> list[dict]:
        bodies = [m.get("media") for m in self.events("media")]
        return [b for b in bodies if isinstance(b, dict) and (track is None or b.get("track") == track)]

    def requested_track(self) -> str | None:
        return self.fields.get("Track") or None


def _payload(body: dict) -> bytes | None:
    try:
        return base64.b64decode(body.get("payload", ""), validate=True)
    except (binascii.Error, ValueError, TypeError):
        return None


def _short(value) -> str:
    return repr(value)[:80]


# --- the WebSocket -----------------------------------------------------------------------------------
@check("media-connects")
def connects(d: Delivery) -> Outcome:
    if d.unanswered or codec_refusal(d):
        return None
    return PASS if d.session is not None else Failed(f"a WebSocket connection to {d.fields['Url']}", "none arrived")


@check("media-bearer")
def bearer(d: Delivery) -> Outcome:
    if d.session is None:
        return None
    token = d.fields.get("AuthorizationBearerToken")
    got = d.session.headers.get("authorization")
    if not token:
        return PASS if got is None else Failed("no Authorization header (the stream was created without a token)",
                                               f"Authorization: {got[:20]}...")
    return PASS if got == f"Bearer {token}" else Failed("Authorization: Bearer <the token sent>",
                                                         "no Authorization header" if got is None else "another value")


@check("media-messages")
def messages(d: Delivery) -> Outcome:
    if d.session is None:
        return None
    order = [m.get("event") if isinstance(m, dict) else None for m in d.session.messages]
    body = order[2:-1]
    ok = (order[:2] == ["connected", "start"] and order[-1:] == ["stop"] and "media" in body
          and set(body) <= expected_media.BETWEEN_START_AND_STOP and d.session.bad_frames == 0)
    shown = " ".join(str(e) for e in order[:4]) + (" ... " + str(order[-1]) if len(order) > 4 else "")
    unknown = sorted({str(e) for e in order} - set(expected_media.EVENTS))
    if unknown:
        shown += f" (undocumented events: {', '.join(unknown)})"
    if d.session.bad_frames:
        shown += f" ({d.session.bad_frames} frames that are not JSON)"
    return PASS if ok else Failed("connected, start, media (with dtmf/mark) ..., stop, as JSON", shown or "nothing")


@check("media-connected")
def connected(d: Delivery) -> Outcome:
    found = d.events("connected")
    if not found:
        return None
    message = found[0]
    protocol, version = message.get("protocol"), message.get("version")
    if protocol == expected_media.PROTOCOL and isinstance(version, str) and expected_media.SEMVER.match(version):
        return PASS
    return Failed(f'connected with protocol "Call" and a semantic version (documented: '
                  f'"{expected_media.DOCUMENTED_VERSION}")', f"protocol {_short(protocol)}, version {_short(version)}")


def _expected_tracks(d: Delivery) -> list[tuple[str, ...]]:
    """The track label sets start may carry: the Track sent, or with none either tolerated default."""
    track = d.requested_track()
    if track in expected_media.TRACKS:
        return [expected_media.TRACKS[track]]
    return [expected_media.TRACKS[t] for t in expected_media.TOLERATED_DEFAULT_TRACKS]


@check("media-start")
def start(d: Delivery) -> Outcome:
    if not d.events("start"):
        return None
    body = d.start_body()
    if body is None:
        return Failed("a start object", "start without one")
    wrong = []
    if body.get("streamSid") != d.sid:
        wrong.append(f"streamSid={_short(body.get('streamSid'))}")
    if body.get("accountSid") != d.account_sid:
        wrong.append(f"accountSid={_short(body.get('accountSid'))}")
    tracks = body.get("tracks")
    if not (isinstance(tracks, list) and len(tracks) == len(set(map(str, tracks)))
            and any(set(tracks) == set(e) for e in _expected_tracks(d))):
        wrong.append(f"tracks={_short(tracks)}")
    sent = expected_media.custom_parameters(d.fields)
    got = body.get("customParameters", {})  # "Only present when custom parameters are defined"
    if got != sent:
        wrong.append(f"customParameters={_short(body.get('customParameters', '(absent)'))}")
    return PASS if not wrong else Failed("start with streamSid, accountSid, tracks and customParameters as "
                                         "requested", ", ".join(wrong))


@check("media-format")
def media_format(d: Delivery) -> Outcome:
    if not d.events("start"):
        return None
    fmt = (d.start_body() or {}).get("mediaFormat")
    if not isinstance(fmt, dict):
        return Failed("start.mediaFormat", _short(fmt))
    encoding, rate, channels = fmt.get("encoding"), expected_media.counter(fmt.get("sampleRate")), fmt.get("channels")
    if not isinstance(encoding, str) or not rate or expected_media.counter(channels) != 1:
        return Failed("mediaFormat with an encoding, a sampleRate in Hz and channels 1", _short(fmt))
    documented = expected_media.DOCUMENTED_FORMATS.get(d.fields.get("StreamCodec") or "")
    if documented and (encoding != documented[0] or (documented[1] is not None and rate != documented[1])):
        shown = f"{documented[0]} at {documented[1]} Hz" if documented[1] else documented[0]
        return Failed(f"{shown} for StreamCodec {d.fields.get('StreamCodec')}", f"{encoding} at {rate} Hz")
    advertised = d.media_format()
    if advertised is None:  # an encoding the suite cannot read, for a codec the documents leave open
        return PASS
    for body in d.media():
        payload = _payload(body)
        if payload is None:
            return Failed("base64 payloads", f"a payload that is not base64: {_short(body.get('payload'))}")
        if not payload or len(payload) % advertised.bytes_per_sample:
            return Failed(f"whole samples of {encoding} ({advertised.bytes_per_sample} bytes each)",
                          f"a payload of {len(payload)} bytes")
    return PASS


@check("media-format-inferred")
def media_format_inferred(d: Delivery) -> Outcome:
    codec = d.fields.get("StreamCodec") or None
    if not d.events("start") or codec in expected_media.DOCUMENTED_FORMATS and codec != "L16":
        return None
    expected = expected_media.FORMATS[codec or "PCMU"]
    fmt = (d.start_body() or {}).get("mediaFormat")
    got = (fmt.get("encoding"), expected_media.counter(fmt.get("sampleRate"))) if isinstance(fmt, dict) else None
    if got == (expected.encoding, expected.sample_rate):
        return PASS
    return Failed(f"{expected.encoding} at {expected.sample_rate} Hz for StreamCodec {codec or '(none)'}",
                  f"{got[0]} at {got[1]} Hz" if got else _short(fmt))


@check("media-tracks")
def tracks(d: Delivery) -> Outcome:
    body = d.start_body()
    media = d.media()
    if body is None or not media or not isinstance(body.get("tracks"), list):
        return None
    advertised = set(map(str, body["tracks"]))
    seen = {b.get("track") for b in media}
    strays = sorted(str(t) for t in seen - advertised)
    if strays:
        return Failed(f"media.track one of {sorted(advertised)}", f"track {', '.join(strays)}")
    silent = sorted(advertised - seen)
    return PASS if not silent else Failed(f"media on every advertised track {sorted(advertised)}",
                                          f"none on {', '.join(silent)}")


@check("media-sequence")
def sequence(d: Delivery) -> Outcome:
    if not d.media():
        return None
    expected: dict[str, int] = {}
    for body in d.media():
        track = str(body.get("track"))
        chunk = expected_media.counter(body.get("chunk"))
        want = expected.get(track, 1)
        if chunk != want:
            return Failed(f"chunk {want} next on track {track} (1, 2, 3 ... per track)", _short(body.get("chunk")))
        expected[track] = want + 1
    return PASS


def _track_span(d: Delivery, fmt: expected_media.MediaFormat, track: str) -> tuple[float, float] | Failed:
    """(milliseconds the timestamps span, milliseconds of audio delivered) on one track."""
    stamps, audio_ms, last_ms = [], 0.0, 0.0
    for body in d.media(track):
        stamp = expected_media.milliseconds(body.get("timestamp"))
        if stamp is None or stamp < 0:
            return Failed("a timestamp in milliseconds", _short(body.get("timestamp")))
        if stamps and stamp < stamps[-1]:
            return Failed(f"timestamps that never go back on track {track}", f"{stamps[-1]:g} then {stamp:g}")
        stamps.append(stamp)
        payload = _payload(body) or b""
        last_ms = len(payload) / fmt.bytes_per_sample * 1000 / fmt.sample_rate
        audio_ms += last_ms
    return stamps[-1] - stamps[0] + last_ms, audio_ms


@check("media-timestamp")
def timestamp(d: Delivery) -> Outcome:
    fmt = d.media_format()
    if fmt is None or not d.media():
        return None
    for track in sorted({str(b.get("track")) for b in d.media()}):
        span = _track_span(d, fmt, track)
        if isinstance(span, Failed):
            return span
        spanned, audio = span
        if audio and len(d.media(track)) > 1 and not (1 / TIMESTAMP_FACTOR <= spanned / audio <= TIMESTAMP_FACTOR):
            return Failed(f"timestamps in ms spanning the audio delivered on track {track} ({audio:.0f} ms)",
                          f"they span {spanned:.0f}")
    return PASS


@check("media-sequence-number")
def sequence_number(d: Delivery) -> Outcome:
    if d.session is None or not d.events("start"):
        return None
    previous = 0
    for message in d.messages:
        if message.get("event") not in ("start", "media", "dtmf", "stop"):
            continue
        number = expected_media.counter(message.get("sequenceNumber"))
        if number is None or (previous == 0 and number != 1) or number <= previous:
            wanted = "1 on start" if previous == 0 else f"more than {previous}"
            return Failed(f"sequenceNumber {wanted} (on {message.get('event')})", _short(message.get("sequenceNumber")))
        previous = number
    return PASS


@check("media-events")
def events(d: Delivery) -> Outcome:
    dtmf, marks = d.events("dtmf"), d.events("mark")
    if not dtmf and not marks:
        return None
    for message in dtmf:
        body = message.get("dtmf")
        digit = body.get("digit") if isinstance(body, dict) else None
        duration = body.get("duration") if isinstance(body, dict) else None
        if str(digit) not in expected_media.DTMF_DIGITS or expected_media.milliseconds(duration) is None:
            return Failed("dtmf.digit one of 0-9 * # A-D and dtmf.duration in ms", _short(body))
    for message in marks:
        body = message.get("mark")
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            return Failed("mark.name", _short(body))
    return PASS


@check("media-audible")
def audible(d: Delivery) -> Outcome:
    if not d.media() or d.media_format() is None:
        return None
    level = codecs.rms(decoded(d))
    return PASS if level >= SILENCE_RMS else Failed(f"audible audio (RMS >= {SILENCE_RMS:g})", f"RMS {level:.1f}")


@check("media-default-track")
def default_track(d: Delivery) -> Outcome:
    body = d.start_body()
    if d.requested_track() or body is None or not isinstance(body.get("tracks"), list):
        return None
    expected = expected_media.TRACKS[expected_media.DEFAULT_TRACK]
    return PASS if set(body["tracks"]) == set(expected) else Failed(
        f"tracks {list(expected)} with Track omitted (the REST default)", _short(body["tracks"]))


def decoded(d: Delivery, track: str | None = None) -> list[int]:
    fmt = d.media_format()
    if fmt is None:
        return []
    samples: list[int] = []
    for body in d.media(track):
        payload = _payload(body)
        if payload and len(payload) % fmt.bytes_per_sample == 0:
            samples += codecs.decode(fmt.encoding, payload)
    return samples


# --- status callbacks ---------------------------------------------------------------------------------
@check("callback-events")
def callback_events(d: Delivery) -> Outcome:
    if not d.fields.get("StatusCallback") or d.unanswered or codec_refusal(d):
        return None
    got = [c.params.get("StreamEvent") for c in d.callbacks]
    strays = sorted({str(e) for e in got} - set(expected_media.CALLBACK_EVENTS))
    missing = [e for e in ("stream-started", "stream-stopped") if e not in got]
    if strays or missing:
        return Failed("stream-started and stream-stopped callbacks (StreamEvent one of the three documented)",
                      f"missing {', '.join(missing)}" if missing else f"StreamEvent {', '.join(strays)}")
    return PASS


@check("callback-method")
def callback_method(d: Delivery) -> Outcome:
    if not d.fields.get("StatusCallback") or not d.callbacks:
        return None
    expected = d.fields.get("StatusCallbackMethod") or "POST"
    wrong = sorted({c.method for c in d.callbacks if c.method != expected})
    return PASS if not wrong else Failed(f"callbacks sent with {expected}", f"sent with {', '.join(wrong)}")


@check("callback-ids")
def callback_ids(d: Delivery) -> Outcome:
    if not d.callbacks:
        return None
    expected = {"AccountSid": d.account_sid, "ConferenceSid": d.conference_sid, "StreamSid": d.sid}
    for c in d.callbacks:
        wrong = [f"{k}={_short(c.params.get(k))}" for k, v in expected.items()
                 if v is not None and c.params.get(k) != v]
        if wrong:
            return Failed("AccountSid, ConferenceSid and StreamSid of this stream", ", ".join(wrong))
    return PASS


@check("callback-stream-name")
def callback_stream_name(d: Delivery) -> Outcome:
    if not d.callbacks:
        return None
    expected = d.fields.get("Name") or d.sid
    wrong = sorted({str(c.params.get("StreamName")) for c in d.callbacks if c.params.get("StreamName") != expected})
    source = "the Name sent" if d.fields.get("Name") else "the StreamSid: no Name was sent"
    return PASS if not wrong else Failed(f"StreamName {expected!r} ({source})", ", ".join(_short(w) for w in wrong))


@check("callback-track")
def callback_track(d: Delivery) -> Outcome:
    if not d.callbacks:
        return None
    requested = d.requested_track()
    if requested:
        allowed = {requested}
    else:  # with Track omitted: whichever tolerated default the stream actually carries
        tracks_sent = (d.start_body() or {}).get("tracks")
        allowed = {t for t in expected_media.TOLERATED_DEFAULT_TRACKS
                   if not isinstance(tracks_sent, list) or set(tracks_sent) == set(expected_media.TRACKS[t])}
    wrong = sorted({str(c.params.get("StreamTrack")) for c in d.callbacks
                    if c.params.get("StreamTrack") not in allowed})
    return PASS if not wrong else Failed(f"StreamTrack {' or '.join(sorted(allowed)) or '(matching start.tracks)'}",
                                         ", ".join(wrong))


def _iso8601(text) -> dt.datetime | None:
    if not isinstance(text, str) or "T" not in text.upper():
        return None
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None


@check("callback-timestamp")
def callback_timestamp(d: Delivery) -> Outcome:
    if not d.callbacks:
        return None
    for c in d.callbacks:
        raw = c.params.get("Timestamp")
        when = _iso8601(raw)
        if when is None:
            return Failed("Timestamp as an ISO 8601 date-time", _short(raw))
        if when.tzinfo is not None and abs(when - d.now) > CLOCK_SKEW:
            return Failed(f"Timestamp within {CLOCK_SKEW.seconds // 60} minutes of {d.now:%Y-%m-%dT%H:%M:%SZ}",
                          _short(raw))
    return PASS


@check("callback-stream-error")
def callback_stream_error(d: Delivery) -> Outcome:
    errors = [c for c in d.callbacks if c.params.get("StreamEvent") == "stream-error"]
    if not errors:
        return None
    wrong = sorted({str(c.params.get("StreamError")) for c in errors
                    if c.params.get("StreamError") not in expected_media.STREAM_ERRORS})
    return PASS if not wrong else Failed("StreamError one of " + ", ".join(expected_media.STREAM_ERRORS),
                                         ", ".join(_short(w) for w in wrong))


@check("media-unreachable")
def unreachable(d: Delivery) -> Outcome:
    if not d.unanswered:
        return None
    if any(c.params.get("StreamEvent") == "stream-error" for c in d.callbacks):
        return PASS
    got = ", ".join(str(c.params.get("StreamEvent")) for c in d.callbacks) or "no callback"
    return Failed("a stream-error callback for a Url nobody answers", got)


# --- faithful to the real service (issue 19): the stream page's words, and what it lets a target refuse -----
def codec_refusal(d: Delivery) -> str | None:
    """Why this stream's media rules are N/A, when it is an allowed codec refusal: a StreamCodec outside stream.mdx's
    "Supported codecs" (PCMU; L16 at 16000h or 24000h), no WebSocket, and a stream-error `codec_error` callback
    ("Requested codec not enabled for your account"). A supported codec refused this way is no such thing."""
    codec = d.fields.get("StreamCodec") or expected_media.DEFAULT_CODEC
    if codec in expected_media.SUPPORTED_CODECS or d.session is not None or d.unanswered:
        return None
    errors = [c.params.get("StreamError") for c in d.callbacks if c.params.get("StreamEvent") == "stream-error"]
    if expected_media.CODEC_ERROR not in errors:
        return None
    return (f"StreamCodec {codec}: the target reported stream-error {expected_media.CODEC_ERROR} and streamed nothing, "
            f"which the stream page allows for a codec outside its Supported codecs "
            f"({', '.join(expected_media.SUPPORTED_CODECS)}); the stream's media rules are N/A")


def refused_create_note(fields: dict, status: int | None) -> str | None:
    """The note for a create refused with a documented 4xx for a codec outside the Supported codecs (an allowed
    answer: stream.mdx streams only PCMU and L16 at 16000h/24000h), or None when the refusal is not that."""
    codec = fields.get("StreamCodec") or expected_media.DEFAULT_CODEC
    if codec in expected_media.SUPPORTED_CODECS or status not in (400, 404, 422):
        return None
    return (f"StreamCodec {codec}: the create was refused (HTTP {status}), which the stream page allows for a codec "
            f"outside its Supported codecs ({', '.join(expected_media.SUPPORTED_CODECS)}); the stream's media "
            "rules are N/A")


@check("media-timestamp-origin")
def timestamp_origin(d: Delivery) -> Outcome:
    """The first media.timestamp of each track counts from the start of the stream: near 0, not a clock reading."""
    if not d.media():
        return None
    for track in sorted({str(b.get("track")) for b in d.media()}):
        first = expected_media.milliseconds(d.media(track)[0].get("timestamp"))
        if first is None:
            return None  # not a number of milliseconds: media-timestamp says so
        if abs(first) > expected_media.FIRST_TIMESTAMP_MS:
            return Failed(f"the first timestamp on track {track} within {expected_media.FIRST_TIMESTAMP_MS // 1000} s "
                          "of 0 (milliseconds from the start of the stream)", f"{first:.0f}")
    return PASS


def _container(payload: bytes) -> str | None:
    if payload[:4] in (b"RIFF", b"RIFX") and payload[8:12] == b"WAVE":
        return "RIFF/WAVE"
    if payload[:4] == b"FORM" and payload[8:12] in (b"AIFF", b"AIFC"):
        return "AIFF"
    for magic, name in expected_media.CONTAINER_MAGIC.items():
        if magic not in (b"RIFF", b"RIFX", b"FORM") and payload.startswith(magic):
            return name
    return None


@check("media-payload-raw")
def payload_raw(d: Delivery) -> Outcome:
    """media.payload is "Base64-encoded raw audio data": no chunk carries a file header."""
    if not d.media():
        return None
    for body in d.media():
        payload = _payload(body)
        if payload and (kind := _container(payload)):
            return Failed("raw audio in every payload (no file header)",
                          f"a {kind} header in chunk {_short(body.get('chunk'))} on track {_short(body.get('track'))}")
    return PASS


def _event_time(c: Callback) -> dt.datetime | None:
    when = _iso8601(c.params.get("Timestamp"))
    return when if when is not None and when.tzinfo is not None else None


@check("callback-order")
def callback_order(d: Delivery) -> Outcome:
    """stream-started is an earlier event than stream-stopped, by the callbacks' own Timestamps (arrival order can
    differ: callbacks are separate HTTP requests)."""
    started = [t for c in d.callbacks if c.params.get("StreamEvent") == "stream-started" and (t := _event_time(c))]
    stopped = [t for c in d.callbacks if c.params.get("StreamEvent") == "stream-stopped" and (t := _event_time(c))]
    if not started or not stopped:
        return None
    if min(started) <= min(stopped):
        return PASS
    return Failed("stream-started's Timestamp no later than stream-stopped's",
                  f"stream-started at {min(started).isoformat()}, stream-stopped at {min(stopped).isoformat()}")


MEDIA_CHECKS = MEDIA.checks


def never_connected(outcomes: list[tuple[str, Outcome]], expected: str, got: str, seen: str
                    ) -> list[tuple[str, Outcome]]:
    """A stream that never reached the receiver: media-connects fails with what was expected and what the receiver
    saw (`seen`), and so does every media rule that had nothing to judge, since none of it could be observed."""
    judged = dict(outcomes)
    judged["media-connects"] = Failed(expected, got)
    for rule_id in MEDIA_CHECKS:
        if judged.get(rule_id) is None:
            judged[rule_id] = Failed(rules.get(rule_id).title, f"not observed: the stream never connected ({seen})")
    return list(judged.items())


def evaluate(d: Delivery) -> list[tuple[str, Outcome]]:
    return [(rule_id, outcome) for rule_id, fn in MEDIA_CHECKS.items() if (outcome := fn(d)) is not None]


def observations(d: Delivery) -> list[tuple[str, str]]:
    """What the stream did at the media open points (`rules.MEDIA_OPEN_POINTS`): (point, what was seen),
    for the report's open points table."""
    seen = []
    fmt = d.media_format()
    first = d.media()[:1]
    if fmt and first and (payload := _payload(first[0])):
        ms = len(payload) / fmt.bytes_per_sample * 1000 / fmt.sample_rate
        seen.append(("media-chunk-duration", f"{ms:g} ms ({d.codec})"))
    version = next((m.get("version") for m in d.events("connected")), None)
    if version is not None:
        seen.append(("media-connected-version", f"version {version!r}"))
    start = d.start_body()
    body = start or {}
    if start is not None:
        seen.append(("media-call-sid", "start with callSid" if "callSid" in body else "start without callSid"))
    kinds = {type(b.get("chunk")).__name__ for b in d.media()}
    if kinds:
        seen.append(("media-number-or-string", f"chunk as {'/'.join(sorted(kinds))}"))
    if d.session is not None and d.session.marks_sent:
        echoed = {m["mark"].get("name") for m in d.events("mark") if isinstance(m.get("mark"), dict)}
        seen.append(("media-mark-echo", "echoed" if set(d.session.marks_sent) & echoed else "not echoed"))
    if (d.fields.get("StreamCodec") == "PCMA" and isinstance(body.get("mediaFormat"), dict)
            and fmt is None):
        seen.append(("media-pcma-encoding", f"PCMA as {body['mediaFormat'].get('encoding')!r}"))
    codec = d.fields.get("StreamCodec") or expected_media.DEFAULT_CODEC
    if codec not in expected_media.SUPPORTED_CODECS and not d.unanswered:
        seen.append(("media-codec-unsupported", f"{codec}: refused with codec_error" if codec_refusal(d)
                     else f"{codec}: streamed" if d.session is not None else f"{codec}: never connected"))
    return seen
