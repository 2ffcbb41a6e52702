"""Sequences over time that one request cannot show: what a refused create, or a stop, leaves behind.

The dimension model's `sequence` dimension (`conformance.contract.dimensions`) names these probes.
"""

from __future__ import annotations

from conformance.records.exchange import Exchange, Expectation
from conformance.records.outcome import PASS, Failed
from strategies import StreamRequest

from .runner import Runner

REFUSED_URL = "ws://media.example.com/refused"
"""Breaks url-scheme-wss, the plainest must-reject rule: a conforming server refuses it with 400 or 422."""


def _send(runner: Runner, fields: dict, expectation: Expectation) -> Exchange:
    request = StreamRequest(fields=fields)
    return runner.send(runner.case_for(request, unique_name=False), expectation, request=request)


def _stop(runner: Runner, exchanges: list[Exchange]) -> None:
    for ex in exchanges:
        if ex.created_sid:
            runner.stop_stream(runner.target.account_sid, runner.target.conference_sid, ex.created_sid)


def refused_create_keeps_name_free(runner: Runner) -> list:
    """A create refused for its Url, then a valid one with the same Name: the second MUST be 200."""
    name = runner.name_prefix() + "refused"
    refused = _send(runner, {"Url": REFUSED_URL, "Name": name},
                    Expectation("invalid", ("url-scheme-wss",), "probe:refused-create", "a ws:// create, named"))
    failures = runner.judge(refused)
    if refused.status == 200:  # not refused: url-scheme-wss already failed, nothing to learn here
        _stop(runner, [refused])
        return failures
    valid = _send(runner, {"Url": "wss://media.example.com/after-refusal", "Name": name},
                  Expectation("valid", (), "probe:refused-create", "a valid create with the refused one's Name"))
    failures += runner.judge(valid)
    outcome = PASS if valid.status == 200 else Failed(
        f"200 for a valid create whose Name only a refused create ({refused.status}) had used",
        f"{valid.status} {valid.response_text[:200]}")
    failures += runner.results.record(valid, [("refused-create-no-effect", outcome)], traffic=False)
    _stop(runner, [valid])
    return failures


def name_reuse_after_stop(runner: Runner) -> list:
    """A create, its stop, and a create with the same Name again: open (either answer conforms)."""
    name = runner.name_prefix() + "reused"
    first = _send(runner, {"Url": "wss://media.example.com/first", "Name": name},
                  Expectation("valid", (), "probe:name-reuse", "a create, to be stopped"))
    failures = runner.judge(first)
    if not first.created_sid:
        return failures
    _stop(runner, [first])
    again = _send(runner, {"Url": "wss://media.example.com/again", "Name": name},
                  Expectation("open", ("name-reuse-after-stop",), "probe:name-reuse",
                              "a create with a stopped stream's Name"))
    failures += runner.judge(again)
    _stop(runner, [again])
    return failures


PROBES = {"refused-create-keeps-name-free": refused_create_keeps_name_free,
          "name-reuse-after-stop": name_reuse_after_stop}
"""Probe id -> function (the names `conformance.contract.dimensions` refers to)."""
