"""run/minimize.py: a failing request made smaller while its rule still fails."""

from __future__ import annotations

from conformance.emulator import running_emulator
from conformance.run.governor import Governor
from conformance.run.minimize import minimize
from conformance.run.runner import Runner
from conformance.run.sender import Sender
from conformance.run.target import emulator_target
from strategies import StreamRequest

from .broken_servers import AcceptsWs


def test_optional_fields_are_dropped_while_the_rule_still_fails():
    request = StreamRequest(fields={"Url": "ws://a.example.com/s", "Name": "n", "Track": "both_tracks",
                                    "Parameter1.Name": "a", "Parameter1.Value": "b"}, rule_ids=("url-scheme-wss",))
    with running_emulator(app=AcceptsWs()) as server:
        runner = Runner(emulator_target(server), Sender(Governor()), seed=1)
        found = minimize(runner, request, "url-scheme-wss")
    sizes = [len(exchange.sent_fields) for exchange, _ in found]
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] == 1  # down to the Url alone
    assert found[-1][0].sent_fields == {"Url": "ws://a.example.com/s"}


def test_nothing_is_kept_when_the_smaller_request_passes(target):
    runner = Runner(target, Sender(Governor()), seed=1)  # a conforming server: nothing fails
    assert minimize(runner, StreamRequest(fields={"Url": "ws://a.example.com/s", "Name": "n"},
                                          rule_ids=("url-scheme-wss",)), "url-scheme-wss") == []
