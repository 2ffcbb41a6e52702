"""The strategies say what they claim, over real HTTP against the emulator."""

from __future__ import annotations

import requests
from hypothesis import HealthCheck, find, given, seed, settings
from hypothesis import strategies as st

from conformance.checks import rest as checks
from conformance.contract import rules
from strategies import (
    BODY_RULE_IDS,
    NO_AUTH,
    REQUEST_LEVEL_RULE_IDS,
    StreamRequest,
    invalid_stream_requests,
    repaired,
    request_level_cases,
    stream_requests,
)

FAST = settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
_names = iter(range(10**9))


def send(target, session, request: StreamRequest) -> requests.Response:
    request = request.with_name_prefix(f"t{next(_names)}-")
    return session.post(target.url_for(request), data=request.body_bytes(), headers=target.headers_for(request),
                        timeout=10)


@FAST
@given(stream_requests())
def test_every_valid_example_is_accepted(target, session_for, request):
    response = send(target, session_for, request)
    assert response.status_code == 200, (request, response.text)


@FAST
@given(st.one_of(invalid_stream_requests(), request_level_cases()))
def test_every_invalid_example_is_rejected_as_its_rule_expects(target, session_for, request):
    assert len(request.rule_ids) == 1
    response = send(target, session_for, request)
    assert response.status_code in rules.get(request.rule_ids[0]).rejects_with, (request.reason, response.text)


@FAST
@given(st.one_of(invalid_stream_requests(), request_level_cases()))
def test_each_invalid_example_breaks_only_its_own_rule(target, session_for, request):
    response = send(target, session_for, repaired(request))
    assert response.status_code == 200, (request.rule_ids, request.reason, response.text)


def test_every_rule_is_reachable_or_checked_on_responses():
    breakable = {r.id for r in rules.REQUEST_RULES}
    assert breakable == set(BODY_RULE_IDS) | set(REQUEST_LEVEL_RULE_IDS)
    from conformance.checks.media import MEDIA_CHECKS
    from conformance.checks.state import STATE

    # accept-valid-* and auth-scheme-case judge the status a must-accept request's label expects (expected_status)
    checked = set(checks.CHECKS) | set(MEDIA_CHECKS) | set(STATE.checks) | {"accept-valid-form", "accept-valid-json",
                                                                            "auth-scheme-case"}
    assert set(rules.RULES) - breakable <= checked


def test_each_rule_strategy_is_labelled_with_that_rule():
    for rule_id in BODY_RULE_IDS:
        assert set(_sample(invalid_stream_requests(rule_id), 5, lambda r: r.rule_ids)) == {(rule_id,)}
    for rule_id in REQUEST_LEVEL_RULE_IDS:
        assert set(_sample(request_level_cases(rule_id), 5, lambda r: r.rule_ids)) == {(rule_id,)}


def _sample(strategy, count, project):
    seen = []

    @settings(max_examples=count, database=None, suppress_health_check=list(HealthCheck), phases=["generate"])
    @given(strategy)
    def collect(value):
        seen.append(project(value))

    collect()
    return seen


def test_unknown_rule_is_a_clear_error():
    import pytest

    with pytest.raises(ValueError, match="request-level rule"):
        invalid_stream_requests("auth-missing")
    with pytest.raises(ValueError, match="no body strategy"):
        invalid_stream_requests("nope")


def test_99_parameters_are_reached_often():
    counts = _sample(stream_requests(), 200, lambda r: sum(k.endswith(".Name") and k.startswith("Param")
                                                           for k in r.fields))
    assert counts.count(99) >= 10, counts
    assert counts.count(0) >= 10 and len(set(counts)) >= 5, sorted(set(counts))


def _smallest(strategy):
    return find(strategy, lambda r: True, settings=settings(database=None))


# one test each: shrinking takes a few hundred draws, and separate tests spread over the workers
def test_a_broken_url_shrinks_to_the_url_alone():
    smallest = _smallest(invalid_stream_requests("url-scheme-wss"))
    assert list(smallest.fields) == ["Url"] and smallest.encoding == "form"


def test_too_many_parameters_shrinks_to_the_one_over():
    over = _smallest(invalid_stream_requests("custom-params-max"))
    assert len(over.fields) <= 3


def test_a_missing_credential_shrinks_to_the_url_alone():
    missing = _smallest(request_level_cases("auth-missing"))
    assert missing.authorization is NO_AUTH and list(missing.fields) == ["Url"]


def test_runs_are_reproducible_from_a_seed():
    def draw_all():
        seen = []

        @seed(1234)
        @settings(max_examples=20, database=None, suppress_health_check=list(HealthCheck))
        @given(st.one_of(stream_requests(), invalid_stream_requests()))
        def collect(request):
            seen.append((request.body_bytes(), request.rule_ids))

        collect()
        return seen

    assert draw_all() == draw_all()


def test_wire_rendering():
    request = StreamRequest(fields={"Url": "wss://h.example.com/a b", "StreamRealTime": True,
                                    "Parameter7.Name": "k", "Parameter7.Value": "ü"})
    assert request.to_form() == (b"Url=wss%3A%2F%2Fh.example.com%2Fa+b&StreamRealTime=true"
                                 b"&Parameter7.Name=k&Parameter7.Value=%C3%BC")
    assert request.to_json()["StreamRealTime"] is True
