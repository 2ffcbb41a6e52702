"""Schemathesis's own generation over the operation, judged by the same checks."""

import pytest


def test_schemathesis_coverage(conformance):
    conformance.run_coverage()


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_schemathesis_fuzzing(conformance, mode):
    conformance.explore_schemathesis(mode)
