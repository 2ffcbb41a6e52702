"""A real space, usable: a conference that is not in progress (21220) and a throttled space (429) end the run
before it starts, with exit 2 and one line saying what to do, never as a conformance failure."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
import requests

from conformance.emulator import EmulatorApp, EmulatorSettings, HTTPError, ValidationFailed, running_emulator
from conformance.emulator.settings import Throttle

from .conftest import run_suite, suite_env
from .data.signalwire_examples import ERROR_CODES

SMALL = ["--max-examples", "2", "--seed", "3"]


class NotInProgressAs404(EmulatorApp):
    def check_in_progress(self, conference_sid):
        if self.conference_status.get(conference_sid) != "in-progress":
            raise HTTPError(404, 21220, ERROR_CODES[21220])


class NotInProgressAs409(EmulatorApp):
    """An undocumented status: the preflight still reads the code, and does not judge it."""

    def check_in_progress(self, conference_sid):
        if self.conference_status.get(conference_sid) != "in-progress":
            raise HTTPError(409, 21220, ERROR_CODES[21220])


class NotInProgressAs422(EmulatorApp):
    def check_in_progress(self, conference_sid):
        if self.conference_status.get(conference_sid) != "in-progress":
            raise ValidationFailed([f"{ERROR_CODES[21220]} (21220)"])


def _idle_settings() -> EmulatorSettings:
    return EmulatorSettings(idle_conference_sids=(str(uuid.uuid4()),))


def _assert_one_line_exit_2(proc, report, *words):
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-2000:], proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("conformance: "), proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert report is not None and report["problems"], report and report.get("problems")
    assert all(r["status"] != "FAIL" for r in report["requirements"])  # not a conformance failure
    assert "NOT CONFORMANT" not in proc.stdout


@pytest.mark.parametrize("app_class", [EmulatorApp, NotInProgressAs404, NotInProgressAs409, NotInProgressAs422],
                         ids=["400", "404", "409", "422-errors"])
def test_a_conference_not_in_progress_ends_the_run_with_what_to_do(tmp_path, app_class):
    settings = _idle_settings()
    with running_emulator(app=app_class(settings)) as server:
        env = suite_env(server, CONFORMANCE_CONFERENCE_SID=settings.idle_conference_sids[0])
        proc, report = run_suite(["--base-url", server.base_url, *SMALL], env, tmp_path)
    _assert_one_line_exit_2(proc, report, "not in progress", "21220", "--conference-sid")


def test_a_throttled_space_ends_the_run_with_what_to_do(tmp_path):
    with running_emulator(EmulatorSettings(throttle=Throttle(0))) as server:
        proc, report = run_suite(["--base-url", server.base_url, *SMALL], suite_env(server), tmp_path)
    _assert_one_line_exit_2(proc, report, "429", "--rate")
    assert report["traffic"]["throttled"] == 3  # the governor's retries were spent first


class ThrottledMidRun(EmulatorApp):
    """A rate limit that closes after 20 creates and stays closed: 429/20429 with Retry-After: 0."""

    answered = 0

    def throttle(self) -> None:
        self.answered += 1
        if self.answered > 20:
            raise HTTPError(429, 20429, "Too Many Requests", [(b"retry-after", b"0")])


def test_a_space_throttled_mid_run_ends_the_run_not_judged(tmp_path):
    """Before, the fourth 429 in a row was judged like an answer to the request (documented-status FAIL):
    a conforming, throttled space came out NOT CONFORMANT."""
    with running_emulator(app=ThrottledMidRun()) as server:
        proc, report = run_suite(["--base-url", server.base_url, *SMALL], suite_env(server), tmp_path)
    _assert_one_line_exit_2(proc, report, "429", "--rate", "after 3 waits")
    assert report["traffic"]["sent"] > 20  # it was under way: the preflight passed


def test_emulator_answers_a_conference_not_in_progress_with_21220():
    settings = _idle_settings()
    with running_emulator(settings) as server:
        idle = f"{server.base_url}/Accounts/{server.account_sid}/Conferences/{settings.idle_conference_sids[0]}/Streams"
        answer = requests.post(idle, data={"Url": "wss://media.example/a"}, auth=server.auth, timeout=10)
        live = requests.post(server.streams_url, data={"Url": "wss://media.example/a"}, auth=server.auth, timeout=10)
    assert answer.status_code == 400 and answer.json()["code"] == 21220 and answer.json()["status"] == 400
    assert ERROR_CODES[21220] in answer.json()["message"]
    assert live.status_code == 200


def test_emulator_throttles_with_retry_after_and_20429():
    with running_emulator(EmulatorSettings(throttle=Throttle(2, 60.0))) as server:
        answers = [requests.post(server.streams_url, data={"Url": "wss://media.example/a"}, auth=server.auth,
                                 timeout=10) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    body = answers[2].json()
    assert body["code"] == 20429 and body["status"] == 429 and body["more_info"]
    assert 1 <= int(answers[2].headers["Retry-After"]) <= 60


@pytest.mark.parametrize(("args", "says"), [
    (["--throttle", "fast"], "--throttle"), (["--conference-not-in-progress", "nope"], "UUID"),
    (["--send-dtmf"], "--media"),
])
def test_emulate_dialect_flags_refuse_bad_input_in_one_line(args, says):
    proc = subprocess.run([sys.executable, "-m", "conformance", "emulate", "--port", "0", *args],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and says in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_conference_is_in_progress_or_not_never_both():
    sid = str(uuid.uuid4())
    with pytest.raises(ValueError, match="not both"):
        EmulatorSettings(conference_sids=(sid,), idle_conference_sids=(sid,))
