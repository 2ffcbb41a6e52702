"""Labelled requests from `strategies`: valid ones accepted, each rule's breakers rejected."""

import pytest

from strategies import (
    BODY_RULE_IDS,
    REQUEST_LEVEL_RULE_IDS,
    invalid_stream_requests,
    request_level_cases,
    stream_requests,
)


@pytest.mark.parametrize("encoding", ["form", "json"])
def test_valid_requests(conformance, encoding):
    conformance.explore(stream_requests(encoding))


@pytest.mark.parametrize("rule_id", BODY_RULE_IDS)
def test_invalid_body(conformance, rule_id):
    conformance.explore(invalid_stream_requests(rule_id))


@pytest.mark.parametrize("rule_id", REQUEST_LEVEL_RULE_IDS)
def test_request_level(conformance, rule_id):
    conformance.explore(request_level_cases(rule_id))
