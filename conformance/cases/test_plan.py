"""The run's plan as pytest tests, in the order they run (see `conformance.run.planner`).

The coverage set offers every rule once, first, so a run cut short by its budget has still
judged as much as it could; `--quick` stops there. Then the depth rounds (one more example per
rule, round by round) and Schemathesis's own phases.
"""

import pytest


def test_coverage_set(conformance):
    conformance.run_coverage_set()


def _deep(conformance):
    if conformance.quick:
        pytest.skip("--quick: the coverage set only")


def test_depth_rounds(conformance):
    _deep(conformance)
    conformance.run_depth()


def test_schemathesis_coverage(conformance):
    _deep(conformance)
    conformance.run_schemathesis_coverage()


def test_schemathesis_fuzzing(conformance):
    _deep(conformance)
    conformance.run_schemathesis_fuzzing()
