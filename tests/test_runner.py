"""run/runner.py: a labelled request becomes a case for the target, is sent, and comes back judged,
with nothing recorded (the run records)."""

from __future__ import annotations

import pytest

from conformance.emulator import running_emulator
from conformance.records.kinds import RequestKind
from conformance.records.outcome import PASS, Failed
from conformance.run.governor import Governor
from conformance.run.runner import Runner
from conformance.run.sender import DRY_STATUS, Sender
from conformance.run.target import emulator_target
from strategies import NO_AUTH, StreamRequest

from .broken_servers import AcceptsWs


@pytest.fixture()
def runner(target):
    return Runner(target, Sender(Governor()), seed=1)


@pytest.mark.parametrize(("request_", "kind", "ids"), [
    (StreamRequest(fields={"Url": "wss://a.example.com/s"}), RequestKind.VALID, ()),
    (StreamRequest(fields={"Url": "wss://a.example.com/s"}, accepted_by="text-unicode"), RequestKind.VALID,
     ("text-unicode",)),
    (StreamRequest(fields={"Url": "ws://a.example.com/s"}, rule_ids=("url-scheme-wss",)), RequestKind.INVALID,
     ("url-scheme-wss",)),
    (StreamRequest(fields={"Url": "wss://a.example.com/s?x=1"}, open_point="url-query"), RequestKind.OPEN,
     ("url-query",)),
    (StreamRequest(fields={"Url": "ws://a"}, rule_ids=("url-scheme-wss",), open_point="url-query"),
     RequestKind.INVALID, ("url-scheme-wss",)),  # a broken rule wins over an open point
], ids=["valid", "valid-by-rule", "invalid", "open", "invalid-wins"])
def test_a_request_carries_its_own_expectation(request_, kind, ids):
    expectation = Runner.expectation_for(request_)
    assert (expectation.kind, expectation.rule_ids) == (kind, ids)


def test_a_valid_request_is_sent_and_judged_not_recorded(runner):
    judged = runner.exchange(StreamRequest(fields={"Url": "wss://a.example.com/s", "Name": "n"}))
    outcomes = dict(judged.outcomes)
    assert judged.exchange.status == 200 and judged.counted
    assert outcomes["accept-valid-form"] is PASS and outcomes["no-server-error"] is PASS
    assert judged.exchange.sent_fields["Name"].startswith(runner.run_tag)  # Names are made unique per run
    assert runner.created[-1][2] == judged.exchange.created_sid


def test_the_right_label_fails_on_a_server_that_breaks_it():
    with running_emulator(app=AcceptsWs()) as server:
        runner = Runner(emulator_target(server), Sender(Governor()), seed=1)
        judged = runner.exchange(StreamRequest(fields={"Url": "ws://a.example.com/s"}, rule_ids=("url-scheme-wss",)))
    assert isinstance(dict(judged.outcomes)["url-scheme-wss"], Failed)


def test_request_level_overrides_reach_the_wire(runner):
    judged = runner.exchange(StreamRequest(fields={"Url": "wss://a.example.com/s"}, authorization=NO_AUTH,
                                           rule_ids=("auth-missing",)))
    assert "Authorization" not in judged.exchange.request_headers and judged.exchange.status == 401


def test_a_dry_sender_sends_nothing(target, emulator, capsys):
    dry = Runner(target, Sender(Governor(), dry=True), seed=1)
    before = len(emulator.app.store)
    judged = dry.exchange(StreamRequest(fields={"Url": "wss://a.example.com/s"}))
    printed = capsys.readouterr().out
    assert judged.exchange.status == DRY_STATUS and not dry.created
    assert printed.startswith("POST http://127.0.0.1:") and "[valid]" in printed and "Url=wss" in printed
    assert len(emulator.app.store) == before


def test_schemathesis_cases_are_adopted_with_reserved_hosts(runner):
    from conformance.contract import model

    case = runner.positive_schema.make_case(operation=model.operation(runner.positive_schema),
                                            body={"Url": "wss://real-company.com/x", "Name": "n"},
                                            media_type=model.FORM)
    adopted = runner.adopt(case)
    assert adopted.path_parameters == {"AccountSid": runner.target.account_sid,
                                       "ConferenceSid": runner.target.conference_sid}
    assert adopted.headers["Authorization"] == runner.target.basic_header
    assert adopted.body["Url"] == "wss://real-company.com.invalid/x"  # a host nobody owns
    assert adopted.body["Name"].startswith(runner.run_tag)
