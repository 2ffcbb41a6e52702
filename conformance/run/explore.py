"""Driving Hypothesis for the packaged cases: a budget, a seed, and a verdict per test.

Failures are recorded, not raised, while examples run, so that every example of the budget is
sent and counted; the test then fails once, naming each MUST rule that failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from conformance.contract import model, rules
from conformance.records.outcome import Failed

from .minimize import minimize
from .runner import BudgetExhausted, Runner, TargetUnreachable

_QUIET_HEALTH = list(HealthCheck)


def verdict(failures: Iterable[tuple[str, Failed]], waived: Callable[[str], bool] = lambda rule_id: False) -> None:
    """Fail the current test if any MUST rule failed; SHOULD failures are warnings in the report,
    and a failure with a live waiver is reported as WAIVED."""
    must = {}
    for rule_id, failed in failures:
        if rules.get(rule_id).level is rules.Level.MUST and rule_id not in must and not waived(rule_id):
            must[rule_id] = failed
    if must:
        lines = [f"{rule_id}: expected {f.expected}; got {f.got}" for rule_id, f in must.items()]
        pytest.fail("MUST rules failed:\n" + "\n".join(lines), pytrace=False)


class _StopRun(BaseException):
    """Ends the run from inside a Hypothesis test. Not an `Exception`: Hypothesis would take one
    (pytest.exit's included) for a failure and shrink it, replaying a gone target for minutes."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message, self.code = message, code


class Explorer:
    def __init__(self, runner: Runner, *, max_examples: int, seed_value: int) -> None:
        self.runner = runner
        self.max_examples = max_examples
        self.seed = seed_value
        self.receivers = None
        """The media receivers, when the run checks media (--media)."""

    def _given(self, strategy: st.SearchStrategy, body: Callable, examples: int | None = None) -> None:
        test = given(strategy)(body)
        test = settings(max_examples=examples or self.max_examples, deadline=None, database=None,
                        suppress_health_check=_QUIET_HEALTH, print_blob=False)(test)
        try:
            seed(self.seed)(test)()
        except _StopRun as stop:
            pytest.exit(stop.message, returncode=stop.code)

    def _step(self, send: Callable, *args):
        """One step of the run; a gone target or a spent budget ends the whole run, cleanly."""
        try:
            return send(*args)
        except TargetUnreachable as exc:
            self.runner.results.record_problem(str(exc))
            raise _StopRun(f"conformance: {exc}", 2) from None
        except BudgetExhausted as exc:
            self.runner.results.budget_spent = True
            self.runner.results.note(f"{exc}: the run stopped there")
            raise _StopRun(f"conformance: {exc}", self.runner.results.exit_code()) from None

    def guarded(self, send: Callable, *args):
        """`_step` for code outside Hypothesis (coverage, probes, preflight)."""
        try:
            return self._step(send, *args)
        except _StopRun as stop:
            pytest.exit(stop.message, returncode=stop.code)

    def verdict(self, failures) -> None:
        verdict(failures, self.runner.results.is_waived)

    def _collect(self, send: Callable) -> Callable:
        failures: list = []

        def body(value) -> None:
            failures.extend(self._step(send, value))

        body.failures = failures
        return body

    def explore(self, strategy: st.SearchStrategy, examples: int | None = None) -> None:
        """Send every example of a strategy of `StreamRequest`s and judge it (`examples`: fewer than the
        budget's, for the narrow strategies of the authentication matrix, the boundaries and the open points)."""
        minimized: set[str] = set()

        def send(request):
            failures = self.runner.exchange(request)
            for rule_id, _ in failures:
                if rule_id not in minimized:
                    minimized.add(rule_id)
                    minimize(self.runner, request, rule_id)
            return failures

        body = self._collect(send)
        self._given(strategy, body, min(examples, self.max_examples) if examples else None)
        self.verdict(body.failures)

    def explore_schemathesis(self, mode: str) -> None:
        """Schemathesis's fuzzing phase over the operation, positive or negative, form and JSON."""
        generation_mode = model.MODES[mode]
        schema = self.runner.positive_schema if generation_mode is GenerationMode.POSITIVE else self.runner.schema
        operation = model.operation(schema)
        strategy = st.one_of([
            operation.as_strategy(generation_mode, media_type=media_type,
                                  path_parameters={"AccountSid": self.runner.target.account_sid,
                                                   "ConferenceSid": self.runner.target.conference_sid},
                                  headers={"Authorization": self.runner.target.basic_header})
            for media_type in (model.FORM, model.JSON)
        ])
        body = self._collect(lambda case: self.runner.exchange_case(case, f"schemathesis:fuzzing:{mode}"))
        self._given(strategy, body)
        self.verdict(body.failures)

    def run_coverage(self) -> None:
        """Schemathesis's coverage phase (boundary and missing-value cases), POST only."""
        failures = []
        for schema, modes in ((self.runner.positive_schema, [GenerationMode.POSITIVE]),
                              (self.runner.schema, [GenerationMode.NEGATIVE])):
            operation = model.operation(schema)
            config = schema.config.generation_for(operation=operation, phase="coverage")
            for case in schema.iter_coverage_cases(operation, generation_modes=modes, generation_config=config):
                if case.method.upper() != "POST" or case.media_type not in (model.FORM, model.JSON):
                    continue  # other methods and media types are probes the contract says nothing about
                failures.extend(self.guarded(self.runner.exchange_case, case, "schemathesis:coverage"))
        self.verdict(failures)
