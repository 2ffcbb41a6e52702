"""Labelled requests from `strategies`: valid ones accepted, each rule's breakers rejected, the
authentication matrix, text at its boundaries, and the open points (judged by the universal rules only)."""

import pytest

from strategies import (
    AUTH_MATRIX,
    AUTH_MATRIX_JUDGED_BY,
    BODY_RULE_IDS,
    BOUNDARY_CLASS_IDS,
    OPEN_POINT_IDS,
    REQUEST_LEVEL_RULE_IDS,
    auth_matrix_cases,
    boundary_stream_requests,
    invalid_stream_requests,
    open_stream_requests,
    request_level_cases,
    stream_requests,
)

FEW = 2
"""Examples per narrow case: the kind is fixed by the parameter, only the body around it varies."""
_MATRIX = [kind for kind in AUTH_MATRIX if AUTH_MATRIX_JUDGED_BY[kind] != "auth-odd-spacing"]  # open: see below


@pytest.mark.parametrize("encoding", ["form", "json"])
def test_valid_requests(conformance, encoding):
    conformance.explore(stream_requests(encoding))


@pytest.mark.parametrize("rule_id", BODY_RULE_IDS)
def test_invalid_body(conformance, rule_id):
    conformance.explore(invalid_stream_requests(rule_id))


@pytest.mark.parametrize("rule_id", [r for r in REQUEST_LEVEL_RULE_IDS if r != "auth-near-miss"])
def test_request_level(conformance, rule_id):
    conformance.explore(request_level_cases(rule_id))


@pytest.mark.parametrize("kind", _MATRIX)
def test_auth_matrix(conformance, kind):
    conformance.explore(auth_matrix_cases(kind), examples=FEW)


@pytest.mark.parametrize("class_id", BOUNDARY_CLASS_IDS)
def test_text_boundaries(conformance, class_id):
    conformance.explore(boundary_stream_requests(class_id), examples=FEW)


@pytest.mark.parametrize("point", OPEN_POINT_IDS)
def test_open_points(conformance, point):
    conformance.explore(open_stream_requests(point), examples=FEW)
