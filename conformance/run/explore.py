"""Carrying out the plan for the packaged cases: the coverage set, the depth rounds, then
Schemathesis's phases, each with a verdict.

Failures are recorded, not raised, while requests are sent, so that every request of the budget
is sent and counted; each phase then fails once, naming each MUST rule that failed. Examples are
drawn without Hypothesis's test engine (see `draw`): the suite never shrinks through it, and the
engine's search cost more than the requests themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from conformance.contract import model, rules
from conformance.records.outcome import Failed
from strategies import StreamRequest

from . import planner
from .draw import Exhausted, draw
from .minimize import minimize
from .runner import BudgetExhausted, Runner, TargetUnreachable


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


class Explorer:
    def __init__(self, runner: Runner, *, max_examples: int, seed_value: int, media: bool = False) -> None:
        self.runner = runner
        self.max_examples = max_examples
        self.seed = seed_value
        self.receivers = None
        """The media receivers, when the run checks media (--media)."""
        self.plan = planner.build(runner, seed=seed_value, rounds=max_examples, media=media)
        self._minimized: set[str] = set()
        self.quick = False
        """--quick: the coverage set only."""

    # --- ending the run cleanly -------------------------------------------------------------------
    def guarded(self, send: Callable, *args):
        """One step of the run; a gone target or a spent budget ends the whole run, cleanly."""
        try:
            return send(*args)
        except TargetUnreachable as exc:
            self.runner.results.record_problem(str(exc))
            pytest.exit(f"conformance: {exc}", returncode=2)
        except BudgetExhausted as exc:
            self.runner.results.budget_spent = True
            self.runner.results.note(f"{exc}: the run stopped there")
            pytest.exit(f"conformance: {exc}", returncode=self.runner.results.exit_code())

    def verdict(self, failures) -> None:
        verdict(failures, self.runner.results.is_waived)

    # --- sending ------------------------------------------------------------------------------
    def _offered(self, offers: Iterable[str], count: int = 1) -> None:
        if not self.runner.dry_run:
            self.runner.results.offer(offers, count)

    def send_request(self, request: StreamRequest, offers: Iterable[str] | None = None) -> list:
        failures = self.runner.exchange(request)
        self._offered(planner.offers_for(request) if offers is None else offers)
        if request.open_point is None:  # an open point is shown as it was sent
            for rule_id, _ in failures:
                if rule_id not in self._minimized:
                    self._minimized.add(rule_id)
                    minimize(self.runner, request, rule_id)
        return failures

    def send_case(self, case, source: str) -> list:
        failures = self.runner.exchange_case(case, source)
        mode = case.meta.generation.mode if case.meta else None
        positive = mode is not None and mode.is_positive
        encoding = "json" if case.media_type == model.JSON else "form"
        self._offered(planner.UNIVERSAL | {planner.accept_rule(encoding) if positive else planner.SCHEMA_NEGATIVE})
        return failures

    def run_step(self, step: planner.Step) -> list:
        if step.kind == "request":
            return self.send_request(step.request, step.offers)
        if step.kind == "schemathesis":
            return self.send_case(step.case, "schemathesis:coverage")
        if self.runner.dry_run:  # a probe is only its answers
            return []
        if step.kind == "media" and self.receivers is None:
            return []
        before = self.runner.governor.sent
        failures = step.probe(self.runner, self.receivers) if step.kind == "media" else step.probe(self.runner)
        self._offered(step.offers, max(1, self.runner.governor.sent - before))
        return failures

    # --- the phases ------------------------------------------------------------------------------
    def run_coverage_set(self) -> None:
        failures = []
        for step in self.plan.coverage:
            failures += self.guarded(self.run_step, step)
            if not self.runner.dry_run:
                self.runner.results.cover(step.gates)
        self.verdict(failures)

    def run_depth(self) -> None:
        """Round by round, one more example of every stream: breadth before depth."""
        failures = []
        for _, _, request in self.plan.depth():
            failures += self.guarded(self.send_request, request)
        self.verdict(failures)

    def run_schemathesis_coverage(self) -> None:
        """Schemathesis's coverage phase (boundary and missing-value cases), POST only."""
        failures = []
        for schema, modes in ((self.runner.positive_schema, [model.MODES["positive"]]),
                              (self.runner.schema, [model.MODES["negative"]])):
            operation = model.operation(schema)
            config = schema.config.generation_for(operation=operation, phase="coverage")
            for case in schema.iter_coverage_cases(operation, generation_modes=modes, generation_config=config):
                if case.method.upper() != "POST" or case.media_type not in (model.FORM, model.JSON):
                    continue  # other methods and media types are probes the contract says nothing about
                failures += self.guarded(self.send_case, case, "schemathesis:coverage")
        self.verdict(failures)

    def _fuzz_strategy(self, mode: str, media_type: str):
        generation_mode = model.MODES[mode]
        schema = self.runner.positive_schema if mode == "positive" else self.runner.schema
        return model.operation(schema).as_strategy(
            generation_mode, media_type=media_type,
            path_parameters={"AccountSid": self.runner.target.account_sid,
                             "ConferenceSid": self.runner.target.conference_sid},
            headers={"Authorization": self.runner.target.basic_header})

    def run_schemathesis_fuzzing(self) -> None:
        """Schemathesis's fuzzing phase, positive and negative alternately, form and JSON by turns."""
        strategies = {(mode, media): self._fuzz_strategy(mode, media)
                      for mode in ("positive", "negative") for media in (model.FORM, model.JSON)}
        failures = []
        for round_no in range(1, self.max_examples + 1):
            media = model.FORM if round_no % 2 else model.JSON
            for mode in ("positive", "negative"):
                try:
                    case = draw(strategies[(mode, media)], self.seed, f"schemathesis/{mode}/{round_no}")
                except Exhausted:
                    continue
                failures += self.guarded(self.send_case, case, f"schemathesis:fuzzing:{mode}")
        self.verdict(failures)
