"""Where Schemathesis's stock behaviour contradicts the contract, the suite's adaptation is needed.

Each test shows the false positive with the published document as it stands, and its absence
through the suite's model of the contract.
"""

from __future__ import annotations

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from conformance.contract import document as contract
from conformance.contract import model
from conformance.run.governor import Governor
from conformance.run.runner import Runner
from conformance.run.sender import Sender

QUICK = settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def _rejections(cases, send) -> int:
    rejected = 0
    for case in cases:
        response = send(case)
        try:
            case.validate_response(response, checks=[positive_data_acceptance])
        except FailureGroup:
            rejected += 1
    return rejected


def _draw(strategy, count=25):
    drawn = []

    @QUICK
    @given(strategy)
    def collect(case):
        drawn.append(case)

    collect()
    return drawn[:count]


def test_published_document_makes_a_conforming_server_look_broken(target):
    schema = schemathesis.openapi.from_dict(contract.document())
    schema.config.update(base_url=target.base_url)
    operation = schema[contract.OPERATION_PATH]["POST"]
    strategy = operation.as_strategy(GenerationMode.POSITIVE, path_parameters={
        "AccountSid": target.account_sid, "ConferenceSid": target.conference_sid},
        headers={"Authorization": target.basic_header})
    session = requests.Session()
    rejected = _rejections(_draw(strategy), lambda case: case.call(session=session))
    assert rejected >= 20  # no wss:// Url is ever drawn, so "valid" data is refused: false positives


def test_the_suites_model_has_no_such_false_positive(target):
    runner = Runner(target, Sender(Governor()), seed=1)
    operation = model.operation(runner.positive_schema)
    strategy = model.operation(runner.positive_schema).as_strategy(
        GenerationMode.POSITIVE, media_type=model.FORM,
        path_parameters={"AccountSid": target.account_sid, "ConferenceSid": target.conference_sid},
        headers={"Authorization": target.basic_header})
    assert operation is not None
    statuses = []

    def send(case):
        response = runner.adopt(case).call(session=runner.session)
        statuses.append((response.status_code, response.text[:200], case.body))
        return response

    rejected = _rejections(_draw(strategy), send)
    assert rejected == 0, [s for s in statuses if s[0] != 200]


def test_form_booleans_are_sent_as_signalwire_reads_them(target):
    runner = Runner(target, Sender(Governor()), seed=1)
    operation = model.operation(runner.positive_schema)
    case = runner.positive_schema.make_case(operation=operation, body={"Url": "wss://a.example.com",
                                                                       "StreamRealTime": True},
                                            media_type=model.FORM)
    stock = requests.Request("POST", "http://x", data=case.body).prepare().body
    assert stock == "Url=wss%3A%2F%2Fa.example.com&StreamRealTime=True"  # what requests would send
    runner.adopt(case)
    response = case.call(session=runner.session)
    assert b"StreamRealTime=true" in response.request.body.encode()
    assert response.status_code == 200
