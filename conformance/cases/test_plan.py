"""The run's plan as pytest tests, in the order they run (see `conformance.run.planner`).

The coverage set offers every rule once, first, so a run cut short by its budget has still
judged as much as it could; `--quick` stops there. Then the depth rounds (one more example per
rule, round by round) and Schemathesis's own phases.
"""

from conformance.run.lifecycle import Phase


def test_coverage_set(conformance):
    conformance.phase(Phase.COVERAGE)


def test_depth_rounds(conformance):
    conformance.phase(Phase.DEPTH)


def test_schemathesis_coverage(conformance):
    conformance.phase(Phase.SCHEMATHESIS_COVERAGE)


def test_schemathesis_fuzzing(conformance):
    conformance.phase(Phase.SCHEMATHESIS_FUZZING)
