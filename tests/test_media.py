"""--media: the emulator streams for real and passes; broken players are each caught by name."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest

from conformance.common import codecs
from conformance.contract import media as expected_media
from conformance.emulator import EmulatorApp, running_emulator
from conformance.emulator.player import MediaSettings, StreamPlayer
from conformance.media.receivers import Receivers
from conformance.report.results import Results
from conformance.run.media_probe import run_media
from conformance.run.runner import Runner
from conformance.run.target import emulator_target


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
    def payload(self, chunk):
        return codecs.encode(self.encoding, [0] * self.chunk_samples())


class WrongChunkSize(StreamPlayer):
    def chunk_samples(self):
        return super().chunk_samples() // 2  # 10 ms chunks advertised as 20 ms


class NoCallback(StreamPlayer):
    async def callback(self, event, error=None):
        return None


class AlwaysPost(StreamPlayer):
    def callback_method(self):
        return "POST"


BROKEN_PLAYERS = [
    (NoBearer, "media-bearer"), (WrongFormat, "media-format"), (NoCustomParameters, "media-start"),
    (Silent, "media-audio"), (WrongChunkSize, "media-audio"), (NoCallback, "callback-events"),
    (AlwaysPost, "callback-method"),
]


def _env():
    return {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}


def test_embedded_emulator_passes_media(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "conformance", "run", "--media", "--max-examples", "3",
                           "--report-dir", str(tmp_path)], capture_output=True, text=True, env=_env(), timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
    import json

    report = json.loads((tmp_path / "results.json").read_text())
    media = {r["id"]: r for r in report["requirements"] if r["area"] == "media"}
    assert media and all(r["status"] == "PASS" for r in media.values()), {k: r["status"] for k, r in media.items()}
    assert media["media-connects"]["passed"] == 15  # every codec with every track
    html = (tmp_path / "report.html").read_text()
    assert html.count('class="chart waveform"') == len(expected_media.FORMATS)


@pytest.mark.parametrize(("player", "rule_id"), BROKEN_PLAYERS, ids=[p.__name__ for p, _ in BROKEN_PLAYERS])
def test_broken_player_is_caught(player, rule_id):
    """The media probe, in-process, against an emulator whose player has one defect."""
    with Receivers() as receivers:
        app = EmulatorApp(media=MediaSettings(ca_file=receivers.ca_file))
        app.player_class = player
        with running_emulator(app=app) as server:
            target = emulator_target(server)
            results = Results(secrets=target.secrets, basic_header=target.basic_header)
            run_media(Runner(target, results, seed=1), receivers)
    failed = {r.rule.id for r in results.by_rule.values() if r.status == "FAIL"}
    assert rule_id in failed, failed
    assert results.exit_code() == 1


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
