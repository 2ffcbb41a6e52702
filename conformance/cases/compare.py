"""`conformance compare` as a pytest case: `pytest --pyargs conformance.cases.compare
--conformance-compare A,B`. Not collected with the run's own cases (`conformance.cases`): only when
named, so a plain run never starts a second target.

Inside `emulator:SWITCHES`, join switches with `+` (the comma separates the two sides). The case fails
when a difference is a conformance failure of the side under test (B, or A with
`--conformance-reference B`); a side that cannot be run ends the session with exit 2.
"""

from __future__ import annotations

import pytest

from conformance.cli.compare_command import perform, split_sides
from conformance.cli.options import CONFIG_OPTIONS, TARGET_OPTIONS, UsageError
from conformance.records.kinds import ExitStatus


def test_compare(request: pytest.FixtureRequest) -> None:
    config = request.config
    raw = config.getoption("conformance_compare", None)
    if not raw:
        pytest.skip("give --conformance-compare A,B to compare two targets")
    given = {o.name: config.getoption(f"conformance_{o.name}") for o in TARGET_OPTIONS + CONFIG_OPTIONS}
    try:
        a, b = split_sides(raw)
        done = perform(given, a, b, reference=config.getoption("conformance_reference") or "A")
    except UsageError as exc:
        pytest.exit(f"conformance: error: {exc}", returncode=ExitStatus.NOT_MADE)
    if done.status in (ExitStatus.NOT_MADE, ExitStatus.INTERRUPTED):
        pytest.exit(f"conformance: {done.problem}", returncode=done.status)
    text = "\n".join(done.lines())
    if done.status is ExitStatus.FAILED:
        pytest.fail(text, pytrace=False)
    print(text)
