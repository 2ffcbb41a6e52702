"""--media: the emulator streams SignalWire's documented dialect and passes; broken players are each caught
by their rule, and every allowed variant passes."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import subprocess
import sys
from email.utils import formatdate

import pytest

from conformance.common import codecs
from conformance.contract import media as expected_media
from conformance.contract import rules
from conformance.contract.rules import MEDIA_RULE_IDS
from conformance.emulator import EmulatorApp, EmulatorSettings, running_emulator
from conformance.emulator.player import MediaSettings, StreamPlayer
from conformance.emulator.settings import Throttle
from conformance.media.receivers import Receivers
from conformance.report.results import Results
from conformance.run.governor import Governor
from conformance.run.media_probe import run_media
from conformance.run.runner import Runner
from conformance.run.sender import Sender
from conformance.run.target import emulator_target

from .data import signalwire_examples as examples


# --- the seven broken players of the first media work ---------------------------------------------
class NoBearer(StreamPlayer):
    def headers(self):
        return {}


class WrongFormat(StreamPlayer):
    def start_message(self):
        message = super().start_message()
        message["start"]["mediaFormat"] = {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}
        return message


class NoCustomParameters(StreamPlayer):
    def custom_parameters(self):
        return {}


class Silent(StreamPlayer):
    """Silence: a deviation from a SHOULD (a real conference can be silent), so a WARN, never a FAIL."""

    def payload(self, chunk):
        return codecs.encode(self.encoding, [0] * self.chunk_samples())


class WrongChunkSize(StreamPlayer):
    def chunk_samples(self):
        return super().chunk_samples() // 2  # 10 ms of audio per chunk, timestamps stepping 20 ms


class NoCallback(StreamPlayer):
    async def callback(self, event, error=None):
        return None


class AlwaysPost(StreamPlayer):
    def callback_method(self):
        return "POST"


# --- broken players for the documented meaning: each caught by its rule and no other ---------------
class EmptyAuthorizationWithoutToken(StreamPlayer):
    def headers(self):
        return super().headers() or {"Authorization": "Bearer undefined"}


class UndocumentedEvent(StreamPlayer):
    def between_chunks(self, chunk):
        return [{"event": "heartbeat"}] if chunk == 2 else []


class NoProtocol(StreamPlayer):
    def connected_message(self):
        return {"event": "connected", "version": "0.2.0"}


class TrackSettingAsLabel(StreamPlayer):
    def media_message(self, track, chunk):
        message = super().media_message(track, chunk)
        message["media"]["track"] = f"{track}_track"
        return message


class SharedChunkCounter(StreamPlayer):
    """One chunk counter for both tracks (as Twilio's examples read), where SignalWire counts per track."""

    shared = 0

    def media_message(self, track, chunk):
        message = super().media_message(track, chunk)
        self.shared += 1
        message["media"]["chunk"] = str(self.shared)
        return message


class SequenceFromZero(StreamPlayer):
    def next_sequence_number(self):
        number = str(self.sequence)
        self.sequence += 1
        return number


class BadDtmf(StreamPlayer):
    def between_chunks(self, chunk):
        return [{"event": "dtmf", "sequenceNumber": self.next_sequence_number(),
                 "dtmf": {"digit": "E", "duration": 40}}] if chunk == 3 else []


class NoConferenceSid(StreamPlayer):
    def callback_params(self, event, error):
        params = super().callback_params(event, error)
        del params["ConferenceSid"]  # Twilio's parameter list has none
        return params


class EmptyStreamName(StreamPlayer):
    def callback_params(self, event, error):
        return {**super().callback_params(event, error), "StreamName": self.stream.name or ""}


class TrackAlwaysBoth(StreamPlayer):
    def callback_params(self, event, error):
        return {**super().callback_params(event, error), "StreamTrack": "both_tracks"}


class Rfc2822Timestamp(StreamPlayer):
    def timestamp(self):
        return formatdate(usegmt=True)


class FreeTextStreamError(StreamPlayer):
    def callback_params(self, event, error):
        params = super().callback_params(event, error)
        if error:
            params["StreamError"] = "could not stream to Url: ConnectionRefusedError"
        return params


class SilentOnFailure(StreamPlayer):
    async def callback(self, event, error=None):
        if event != "stream-error":
            await super().callback(event, error)


class PcmaAsMulaw(StreamPlayer):
    def __init__(self, settings, stream):
        super().__init__(settings, stream)
        if self.codec == "PCMA":
            self.encoding = codecs.MULAW


class DefaultInboundOnly(StreamPlayer):
    """Track omitted: inbound only, the cXML page's default (the REST page says both_tracks): a WARN."""

    def __init__(self, settings, stream):
        super().__init__(settings, stream)
        if not stream.fields.get("Track"):
            self.track_setting, self.tracks = "inbound_track", ("inbound",)


# (player, rule, status it must get, whether that rule must be the only one not passing)
BROKEN_PLAYERS = [
    (NoBearer, "media-bearer", "FAIL", True), (WrongFormat, "media-format", "FAIL", False),
    (NoCustomParameters, "media-start", "FAIL", True), (Silent, "media-audible", "WARN", True),
    (WrongChunkSize, "media-timestamp", "FAIL", True), (NoCallback, "callback-events", "FAIL", False),
    (AlwaysPost, "callback-method", "FAIL", True),
    (EmptyAuthorizationWithoutToken, "media-bearer", "FAIL", True),
    (UndocumentedEvent, "media-messages", "FAIL", True), (NoProtocol, "media-connected", "FAIL", True),
    (TrackSettingAsLabel, "media-tracks", "FAIL", True), (SharedChunkCounter, "media-sequence", "FAIL", True),
    (SequenceFromZero, "media-sequence-number", "FAIL", True), (BadDtmf, "media-events", "FAIL", True),
    (NoConferenceSid, "callback-ids", "FAIL", True), (EmptyStreamName, "callback-stream-name", "FAIL", True),
    (TrackAlwaysBoth, "callback-track", "FAIL", True), (Rfc2822Timestamp, "callback-timestamp", "FAIL", True),
    (FreeTextStreamError, "callback-stream-error", "FAIL", True),
    (SilentOnFailure, "media-unreachable", "FAIL", True),
    (PcmaAsMulaw, "media-format-inferred", "WARN", True), (DefaultInboundOnly, "media-default-track", "WARN", True),
]


# --- allowed variants: what the documents permit, which --media must pass --------------------------
class TracksReversed(StreamPlayer):
    def __init__(self, settings, stream):
        super().__init__(settings, stream)
        self.tracks = tuple(reversed(self.tracks))


class FortyMsChunks(StreamPlayer):
    chunk_ms = 40


class NumericCounters(StreamPlayer):
    def next_sequence_number(self):
        return int(super().next_sequence_number())

    def media_message(self, track, chunk):
        message = super().media_message(track, chunk)
        message["media"]["chunk"] = int(message["media"]["chunk"])
        message["media"]["timestamp"] = int(message["media"]["timestamp"])
        return message


class EmptyCustomParameters(StreamPlayer):
    """customParameters: {} when none were sent, as the documented start example shows."""

    def start_message(self):
        message = super().start_message()
        message["start"].setdefault("customParameters", {})
        return message


class ExtraFields(StreamPlayer):
    """Twilio's extras and more: a top-level streamSid everywhere, stop.accountSid, extra callback parameters."""

    def _extra(self, message):
        return {**message, "streamSid": self.stream.sid, "x-vendor": {"region": "test"}}

    def connected_message(self):
        return self._extra(super().connected_message())

    def start_message(self):
        message = self._extra(super().start_message())
        message["start"]["conferenceSid"] = self.stream.conference_sid
        message["start"]["mediaFormat"]["bitDepth"] = 16
        return message

    def media_message(self, track, chunk):
        message = self._extra(super().media_message(track, chunk))
        message["media"]["x-energy"] = 1
        return message

    def stop_message(self):
        return {**self._extra(super().stop_message()), "stop": {"accountSid": self.stream.account_sid}}

    def callback_params(self, event, error):
        return {**super().callback_params(event, error), "ApiVersion": "2010-04-01", "SequenceNumber": "1"}


ALLOWED_PLAYERS = [StreamPlayer, TracksReversed, FortyMsChunks, Silent, NumericCounters, EmptyCustomParameters,
                   ExtraFields, DefaultInboundOnly]
DIALECT_OPTIONS = [{"dtmf": True}, {"mark": True}, {"dtmf": True, "mark": True}]


def _env():
    return {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}


def probe(player=StreamPlayer, settings=None, **options):
    """The media probe, in-process, against an emulator with this player, these `EmulatorSettings` and these
    `MediaSettings` options; the results and what the receivers recorded."""
    with Receivers() as receivers:
        app = EmulatorApp(settings, media=MediaSettings(ca_file=receivers.ca_file, **options))
        app.player_class = player
        with running_emulator(app=app) as server:
            target = emulator_target(server)
            # the media probe alone: the REST rules are other tests' business, so not "NOT RUN" here
            results = Results(secrets=target.secrets, basic_header=target.basic_header, media=True,
                              allow_partial=True)
            results.record_findings(run_media(Runner(target, Sender(Governor()), seed=1), receivers))
    return results, receivers


def _exit(results) -> int:
    """The exit status of a probe-only run (allow_partial, nothing unmade): 1 when a MUST rule failed."""
    return 1 if results.must_failed else 0


def _not_passing(results) -> dict[str, str]:
    return {r.rule.id: r.status for r in results.by_rule.values() if r.status in ("FAIL", "WARN")}


def test_embedded_emulator_passes_media(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "conformance", "run", "--media", "--max-examples", "3",
                           "--report-dir", str(tmp_path)], capture_output=True, text=True, env=_env(), timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]

    report = json.loads((tmp_path / "results.json").read_text())
    media = {r["id"]: r for r in report["requirements"] if r["area"] == "media"}
    assert set(media) == set(MEDIA_RULE_IDS)
    # the embedded emulator sends dtmf and mark under --media, so every media rule is met, media-events too
    assert {k: r["status"] for k, r in media.items()} == dict.fromkeys(media, "PASS")
    assert media["media-connects"]["passed"] == 16  # every codec with every track, and one with the defaults
    assert media["media-unreachable"]["passed"] == 1 and media["media-audible"]["passed"] == 16
    html = (tmp_path / "report.html").read_text()
    assert html.count('class="chart waveform"') == len(expected_media.FORMATS)


@pytest.mark.parametrize(("player", "rule_id", "status", "alone"), BROKEN_PLAYERS,
                         ids=[p.__name__ for p, *_ in BROKEN_PLAYERS])
def test_broken_player_is_caught(player, rule_id, status, alone, short_settle):
    """The media probe against an emulator whose player has one defect: its rule catches it (a SHOULD as WARN)."""
    results, _ = probe(player)
    not_passing = _not_passing(results)
    assert not_passing.get(rule_id) == status, not_passing
    if alone:
        assert set(not_passing) == {rule_id}, not_passing
    assert _exit(results) == (1 if status == "FAIL" else 0)


@pytest.mark.parametrize("player", ALLOWED_PLAYERS, ids=[p.__name__ for p in ALLOWED_PLAYERS])
def test_allowed_player_passes(player):
    results, _ = probe(player)
    failed = {k for k, v in _not_passing(results).items() if v == "FAIL"}
    assert not failed and _exit(results) == 0, _not_passing(results)


@pytest.mark.parametrize(("player", "chunk", "counters"), [(StreamPlayer, "20 ms", "chunk as str"),
                                                            (FortyMsChunks, "40 ms", "chunk as str"),
                                                            (NumericCounters, "20 ms", "chunk as int")])
def test_media_open_points_are_reported_with_what_the_stream_did(player, chunk, counters):
    """Either answer conforms at a media open point: the report's open points table shows what this stream did."""
    results, _ = probe(player)
    points = results.open_points
    assert set(points) <= set(rules.MEDIA_OPEN_POINT_IDS), points  # the probe alone: no REST open point
    assert set(points["media-chunk-duration"]) == {f"{chunk} ({codec})" for codec in expected_media.FORMATS}
    assert set(points["media-number-or-string"]) == {counters}
    assert dict(points["media-connected-version"]) == {"version '0.2.0'": 16}
    assert _exit(results) == 0


@pytest.mark.parametrize("options", DIALECT_OPTIONS, ids=lambda o: "+".join(o))
def test_every_dialect_option_passes_and_speaks_as_documented(options):
    results, receivers = probe(**options)
    assert _not_passing(results) == {} and _exit(results) == 0
    sessions = [s for key, s in receivers.sessions.items() if "-m" in key]
    every = [m for s in sessions for m in s.messages]
    for event in options:
        assert any(m["event"] == event for m in every), event
    for session in sessions:
        _assert_documented_dialect(session.messages)
    callbacks = [c for calls in receivers.callbacks.values() for c in calls]
    _assert_documented_callbacks(callbacks)
    unanswered = next(calls for key, calls in receivers.callbacks.items() if key.endswith("-munanswered"))
    assert [(c.params["StreamEvent"], c.params["StreamError"]) for c in unanswered] == [
        ("stream-error", "connection_refused")]  # "Your WebSocket server refused the connection"


def test_a_throttling_emulator_still_passes_media():
    """429 with Retry-After (20429) beyond 10 requests a second: waited out by the governor, never a finding."""
    results, _ = probe(settings=EmulatorSettings(throttle=Throttle(10, 1.0)))
    assert _not_passing(results) == {} and _exit(results) == 0
    assert results.by_rule["media-connects"].passed == 16


def _shape(value):
    """Keys and value types, recursively: what the documents fix, not the example's values."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    return type(value).__name__


def _assert_documented_dialect(messages):
    connected, start_message, *rest = messages
    assert connected == examples.CONNECTED  # field by field, value by value
    body = start_message["start"]
    documented = dict(examples.START["start"])
    if "customParameters" not in body:  # "Only present when custom parameters are defined."
        del documented["customParameters"]
    assert _shape({**start_message, "start": {**body, "customParameters": {}}} if "customParameters" in body
                  else start_message) == _shape({**examples.START, "start": documented})
    assert start_message["sequenceNumber"] == "1"
    shapes = {"media": examples.MEDIA, "stop": examples.STOP, "dtmf": examples.DTMF, "mark": examples.MARK}
    for message in rest:
        example = dict(shapes[message["event"]])
        for key in examples.BIDIRECTIONAL_ONLY.get(message["event"].upper(), ()):
            del example[key]  # a REST conference stream is not bidirectional
        assert _shape(message) == _shape(example), message
    assert rest[-1]["event"] == "stop"


def _assert_documented_callbacks(callbacks):
    assert callbacks
    for c in callbacks:
        names = set(examples.CALLBACK_PARAMETERS)
        if c.params["StreamEvent"] != "stream-error":
            names.discard("StreamError")  # "If an error has occurred, this will contain ..."
        assert set(c.params) == names, set(c.params) ^ names
        assert c.params["StreamEvent"] in examples.STREAM_EVENTS
        assert dt.datetime.fromisoformat(c.params["Timestamp"]).tzinfo is not None
        if "StreamError" in c.params:
            assert c.params["StreamError"] in examples.STREAM_ERROR_VALUES


def test_rules_quote_the_documents():
    """Every media rule and open point gives its basis; the documented values are the suite's own tables."""
    for rule_id in MEDIA_RULE_IDS:
        assert rules.get(rule_id).basis
    assert all(point.basis for point in rules.MEDIA_OPEN_POINTS)
    assert expected_media.STREAM_ERRORS == examples.STREAM_ERROR_VALUES
    assert expected_media.CALLBACK_PARAMETERS == examples.CALLBACK_PARAMETERS
    assert expected_media.CALLBACK_EVENTS == examples.STREAM_EVENTS
    assert expected_media.DOCUMENTED_VERSION == examples.CONNECTED["version"]


def test_emulator_dials_only_allowed_hosts():
    player = StreamPlayer(MediaSettings(), _state({"Url": "wss://example.com/x"}))
    assert not player.allowed("wss://example.com/x") and player.allowed("wss://127.0.0.1:9/x")


def _state(fields):
    from conformance.emulator.player import StreamState

    return StreamState("sid", "acct", "conf", None, fields)


def test_g711_matches_the_reference_encoder():
    audioop = pytest.importorskip("audioop")  # in the standard library up to Python 3.12
    import struct
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)
    samples = list(range(-32768, 32768, 3))
    pcm = struct.pack(f"<{len(samples)}h", *samples)
    assert codecs.encode(codecs.MULAW, samples) == audioop.lin2ulaw(pcm, 2)
    assert codecs.encode(codecs.ALAW, samples) == audioop.lin2alaw(pcm, 2)
    for codec, convert in ((codecs.MULAW, audioop.ulaw2lin), (codecs.ALAW, audioop.alaw2lin)):
        encoded = codecs.encode(codec, samples)
        assert codecs.decode(codec, encoded) == list(struct.unpack(f"<{len(samples)}h", convert(encoded, 2)))


def test_codec_round_trips_and_sizes():
    tone = codecs.tone(8000, 0, 160)
    assert codecs.encode(codecs.MULAW, [0]) == b"\xff" and codecs.encode(codecs.ALAW, [0]) == b"\xd5"
    for codec, fmt in expected_media.FORMATS.items():
        samples = codecs.tone(fmt.sample_rate, 0, fmt.sample_rate // 50)
        payload = codecs.encode(fmt.encoding, samples)
        assert len(payload) == fmt.chunk_bytes
        back = codecs.decode(fmt.encoding, payload)
        assert max(abs(a - b) for a, b in zip(samples, back, strict=True)) <= (0 if "L16" in codec else 300)
    assert codecs.encode(codecs.L16, [1, -2]) == b"\x00\x01\xff\xfe"  # network byte order
    assert abs(codecs.rms(tone) - 8000 / 2**0.5) < 50
    assert base64.b64encode(codecs.encode(codecs.MULAW, [0, 0])) == b"//8="


# --- the player against a scripted receiver: marks echoed, hang-ups, codecs --------------------------
class _Recording(StreamPlayer):
    """Records its callbacks instead of sending them (the callback itself is other tests' business)."""

    def __init__(self, settings, stream):
        super().__init__(settings, stream)
        self.events = []

    async def callback(self, event, error=None):
        self.events.append((event, error))


def _play(tmp_path, fields, script, **options):
    """Play one stream at a wss receiver on loopback that runs `script(ws, state)`; the player's callbacks
    and whether the receiver was dialled."""
    import asyncio
    import ssl

    from websockets.asyncio.server import serve

    from conformance.common.tls import make_tls_files

    files = make_tls_files(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(files.cert_file, files.key_file)
    dialled = []

    async def main():
        state = _state(fields)

        async def handler(ws):
            dialled.append(True)
            await script(ws, state)

        async with serve(handler, "127.0.0.1", 0, ssl=context) as server:
            port = server.sockets[0].getsockname()[1]
            state.fields = {**fields, "Url": f"wss://127.0.0.1:{port}/media"}
            player = _Recording(MediaSettings(max_seconds=10, **options), state)
            await asyncio.wait_for(player.play(), 20)
        return player.events

    return asyncio.run(main()), dialled


async def _json_messages(ws, until):

    seen = []
    async for raw in ws:
        seen.append(json.loads(raw))
        if until(seen):
            break
    return seen


def test_a_mark_the_receiver_sends_is_echoed_and_none_comes_unasked(tmp_path):
    """stream.mdx: Mark is "echoed back when you send a mark"; the echo is {event, mark: {name}} (streamSid
    only for bidirectional streams)."""
    got = {}

    async def script(ws, state):

        before = await _json_messages(ws, lambda seen: len(seen) >= 12)
        await ws.send(json.dumps({"event": "mark", "streamSid": state.sid, "mark": {"name": "my label"}}))
        await ws.send(json.dumps({"event": "clear", "streamSid": state.sid}))  # ignored
        after = await _json_messages(ws, lambda seen: seen[-1]["event"] == "mark")
        state.stopped.set()
        rest = await _json_messages(ws, lambda seen: seen[-1]["event"] == "stop")
        got.update(before=before, echo=after[-1], rest=rest)

    events, _ = _play(tmp_path, {"Url": "x"}, script)
    assert got["echo"] == {"event": "mark", "mark": {"name": "my label"}}
    assert not [m for m in got["before"] + got["rest"] if m["event"] == "mark"]
    assert events == [("stream-started", None), ("stream-stopped", None)]


def test_a_receiver_that_hangs_up_mid_stream_gets_stream_stopped_not_general_error(tmp_path):
    """general_error is "Internal stream initialization failed"; a receiver hanging up is no such thing."""

    async def script(ws, state):
        await _json_messages(ws, lambda seen: len(seen) >= 5)
        await ws.close()

    events, dialled = _play(tmp_path, {"Url": "x"}, script)
    assert dialled and events == [("stream-started", None), ("stream-stopped", None)]


@pytest.mark.parametrize(("codec", "refused"), [("PCMA", True), ("L16", True), ("PCMU", False),
                                                ("L16@16000h", False), ("L16@24000h", False), (None, False)])
def test_unsupported_codecs_error_reports_codec_error_and_never_dials(tmp_path, codec, refused):
    """stream.mdx: Supported codecs PCMU (8000h) and L16 (16000h, 24000h); codec_error "Requested codec not
    enabled for your account"."""

    async def script(ws, state):
        await _json_messages(ws, lambda seen: len(seen) >= 3)
        state.stopped.set()
        await _json_messages(ws, lambda seen: seen[-1]["event"] == "stop")

    fields = {"Url": "x", **({"StreamCodec": codec} if codec else {})}
    events, dialled = _play(tmp_path, fields, script, unsupported_codecs="error")
    if refused:
        assert events == [("stream-error", "codec_error")] and not dialled
    else:
        assert events == [("stream-started", None), ("stream-stopped", None)] and dialled


def test_unsupported_codecs_stream_is_the_default_and_streams_pcma(tmp_path):
    formats = []

    async def script(ws, state):
        seen = await _json_messages(ws, lambda seen: len(seen) >= 3)
        formats.append(seen[1]["start"]["mediaFormat"])
        state.stopped.set()
        await _json_messages(ws, lambda seen: seen[-1]["event"] == "stop")

    events, dialled = _play(tmp_path, {"Url": "x", "StreamCodec": "PCMA"}, script)
    assert dialled and formats == [{"encoding": codecs.ALAW, "sampleRate": 8000, "channels": 1}]
    assert events[0] == ("stream-started", None)


def test_stream_error_values_for_failures_to_dial():
    from websockets.exceptions import InvalidMessage, InvalidURI

    from conformance.emulator.player import stream_error_for

    assert stream_error_for(ConnectionRefusedError()) == "connection_refused"
    assert stream_error_for(TimeoutError()) == "connection_refused_timeout_or_ssl_error"
    assert stream_error_for(InvalidURI("wss://", "no host")) == "invalid_url"
    assert stream_error_for(InvalidMessage("not HTTP")) == "connection_refused"
    assert stream_error_for(KeyError("a bug of ours")) == "general_error"
class IgnoresMarks(StreamPlayer):
    """A player that never echoes a mark (a stream that is not bidirectional): the page does not say which
    a REST-created conference stream is."""

    def echo_mark(self, message):
        return None


@pytest.mark.parametrize(("player", "seen"), [(StreamPlayer, "echoed"), (IgnoresMarks, "not echoed")])
def test_the_receiver_sends_a_mark_and_the_open_points_table_says_whether_it_came_back(player, seen):
    """media-mark-echo: an open point (is a REST conference stream bidirectional?); either answer passes."""
    results, receivers = probe(player)
    sent = [s.marks_sent for s in receivers.sessions.values()]
    assert any(sent) and all(len(names) <= 1 for names in sent), sent  # one mark a stream, once media flowed
    assert set(results.open_points["media-mark-echo"]) == {seen}, results.open_points["media-mark-echo"]
    assert _exit(results) == 0, _not_passing(results)
