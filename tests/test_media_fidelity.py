"""--media faithful to the real service (issue 19): the stream page's words judged as it words them, and what it
lets a target refuse (a codec outside its Supported codecs) passed with a note, never failed.

Broken players each fail their rule; allowed players pass (exit 0), the N/A streams explained."""

from __future__ import annotations

import struct
import time

import pytest

from conformance.contract import media as expected_media
from conformance.emulator import EmulatorApp, running_emulator
from conformance.emulator.player import MediaSettings, StreamPlayer
from conformance.media.receivers import Receivers
from conformance.report.results import Results
from conformance.run.governor import Governor
from conformance.run.media_probe import run_media
from conformance.run.runner import Runner
from conformance.run.sender import Sender
from conformance.run.target import emulator_target

from .allowed_variants import RefusesUnlistedCodecs
from .conftest import run_suite, statuses, suite_env
from .test_media import _exit, _not_passing, probe

UNSUPPORTED = ("PCMA", "L16")
"""The REST enum's codecs that stream.mdx's "Supported codecs" table leaves out."""


# --- broken players: each caught by its rule ----------------------------------------------------------
class EpochTimestamps(StreamPlayer):
    """media.timestamp as wall-clock milliseconds since 1970, not from the start of the stream."""

    origin = int(time.time() * 1000)

    def media_message(self, track, chunk):
        message = super().media_message(track, chunk)
        message["media"]["timestamp"] = str(self.origin + (chunk - 1) * self.chunk_ms)
        return message


def _wav_header(data_bytes: int, rate: int) -> bytes:
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, rate, rate * 2, 2, 16)
    return struct.pack("<4sI4s", b"RIFF", 36 + data_bytes, b"WAVE") + fmt + struct.pack("<4sI", b"data", data_bytes)


class WavHeaderOnFirstChunk(StreamPlayer):
    """The first chunk of each track sent as a WAV file: a 44-byte RIFF/WAVE header before the samples."""

    def payload(self, chunk):
        audio = super().payload(chunk)
        return _wav_header(len(audio), self.sample_rate) + audio if chunk == 1 else audio


class StoppedBeforeStarted(StreamPlayer):
    """Sends stream-stopped where stream-started belongs, and stream-started at the end."""

    swap = {"stream-started": "stream-stopped", "stream-stopped": "stream-started"}

    async def callback(self, event, error=None):
        await super().callback(self.swap.get(event, event), error)


class _CodecError(StreamPlayer):
    """Answers codec_error for the codecs in `refused` and never dials; streams the others."""

    refused: tuple[str, ...] = ()

    async def play(self):
        if self.codec in self.refused:
            await self.callback("stream-error", error=expected_media.CODEC_ERROR)
            return
        await super().play()


class CodecErrorForPcmu(_CodecError):
    """codec_error for PCMU, the default and a Supported codec: not a refusal the stream page allows."""

    refused = ("PCMU",)


class SequencePerEvent(StreamPlayer):
    """A sequenceNumber counter per event type (start 1, then media from 1 again): the page's one counter read as
    several."""

    def __init__(self, settings, stream):
        super().__init__(settings, stream)
        self.counters: dict[str, int] = {}

    def _numbered(self, message):
        self.counters[message["event"]] = self.counters.get(message["event"], 0) + 1
        return {**message, "sequenceNumber": str(self.counters[message["event"]])}

    def start_message(self):
        return self._numbered(super().start_message())

    def media_message(self, track, chunk):
        return self._numbered(super().media_message(track, chunk))

    def stop_message(self):
        return self._numbered(super().stop_message())


BROKEN_PLAYERS = [
    (SequencePerEvent, "media-sequence-number"),
    (EpochTimestamps, "media-timestamp-origin"),
    (WavHeaderOnFirstChunk, "media-payload-raw"),
    (StoppedBeforeStarted, "callback-order"),
]


@pytest.mark.parametrize(("player", "rule_id"), BROKEN_PLAYERS, ids=[p.__name__ for p, _ in BROKEN_PLAYERS])
def test_broken_player_is_caught_by_its_rule_alone(player, rule_id, short_settle):
    results, _ = probe(player)
    not_passing = _not_passing(results)
    assert not_passing == {rule_id: "FAIL"}, not_passing
    assert _exit(results) == 1


def test_codec_error_for_a_supported_codec_fails(short_media_waits):
    results, _ = probe(CodecErrorForPcmu)
    not_passing = _not_passing(results)
    assert not_passing.get("media-connects") == "FAIL", not_passing
    assert _exit(results) == 1
    assert not any("codec_error and streamed nothing" in note for note in results.notes), results.notes


# --- allowed: a codec outside the Supported codecs refused --------------------------------------------------
class CodecErrorForUnsupported(_CodecError):
    """codec_error ("Requested codec not enabled for your account") for PCMA and plain L16; the rest streamed."""

    refused = UNSUPPORTED


def _explained(notes: list[str], codec: str, what: str) -> bool:
    return any(f"StreamCodec {codec}: {what}" in note and "N/A" in note for note in notes)


def test_codec_error_for_unsupported_codecs_passes_with_the_streams_explained():
    results, receivers = probe(CodecErrorForUnsupported)
    assert not {k: v for k, v in _not_passing(results).items() if v == "FAIL"}, _not_passing(results)
    assert _exit(results) == 0
    for codec in UNSUPPORTED:
        assert _explained(results.notes, codec, "the target reported stream-error codec_error"), results.notes
    assert results.by_rule["media-connects"].passed == 16 - 2 * len(expected_media.TRACKS)  # the supported ones
    assert set(results.open_points["media-codec-unsupported"]) == {f"{c}: refused with codec_error"
                                                                   for c in UNSUPPORTED}


def test_create_refused_for_unsupported_codecs_passes_with_the_streams_explained():
    with Receivers() as receivers:
        app = RefusesUnlistedCodecs(media=MediaSettings(ca_file=receivers.ca_file))
        with running_emulator(app=app) as server:
            target = emulator_target(server)
            results = Results(secrets=target.secrets, basic_header=target.basic_header, media=True,
                              allow_partial=True)
            results.record_findings(run_media(Runner(target, Sender(Governor()), seed=1), receivers))
    assert not {k: v for k, v in _not_passing(results).items() if v == "FAIL"}, _not_passing(results)
    assert _exit(results) == 0
    for codec in UNSUPPORTED:
        assert _explained(results.notes, codec, "the create was refused (HTTP 422)"), results.notes


def test_media_run_against_codec_refusals_exits_0_and_says_why(tmp_path):
    """The whole `conformance run --media` against an emulator whose player refuses PCMA and plain L16."""
    app = EmulatorApp(media=MediaSettings())  # with media settings, its streams dial their Url (loopback only)
    app.player_class = CodecErrorForUnsupported
    with running_emulator(app=app) as server:
        proc, report = run_suite(["--base-url", server.base_url, "--media", "--max-examples", "1", "--seed", "1"],
                                 suite_env(server), tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "FAIL" not in set(statuses(report).values()), statuses(report)
    for codec in UNSUPPORTED:
        assert f"StreamCodec {codec}: the target reported stream-error codec_error" in proc.stdout, proc.stdout[-3000:]


class SequenceCountsMarks(StreamPlayer):
    """One shared counter that also counts mark messages, which carry none: the numbers the others show have
    gaps, still increasing (allowed)."""

    def mark_message(self, chunk):
        self.next_sequence_number()
        return super().mark_message(chunk)


def test_a_shared_sequence_counter_with_gaps_passes():
    results, receivers = probe(SequenceCountsMarks, mark=True)
    assert _not_passing(results) == {} and _exit(results) == 0
    gaps = 0
    for session in receivers.sessions.values():
        numbers = [int(m["sequenceNumber"]) for m in session.messages if "sequenceNumber" in m]
        gaps += sum(b - a > 1 for a, b in zip(numbers, numbers[1:], strict=False))
    assert gaps  # the gaps were there to see

