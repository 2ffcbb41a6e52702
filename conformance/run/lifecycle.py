"""One run of the suite, from start to record: the spine every door drives.

A run begins when `Run(settings)` is built: it starts the receivers (--media) and the target (the
embedded emulator, or the address given), and makes the governor, the sender, the runner, the plan
and the results, each once, from the frozen settings. It proceeds through `preflight()` (is the
target there, and does it know us?) and `execute(phase)` for each phase of the plan. It ends with
`finish()`: clean-up, the resources closed, and one frozen `RunRecord` for the reports.

The run is the only writer of its results. The runner, the probes and the media probe return what
they judged (`Judged`, `Findings`); the run records it. A target that goes away, a space that
keeps throttling, or credentials refused raise `RunNotMade` (exit 2); a spent budget ends the
phases quietly; Ctrl-C propagates, and `finish()` still writes what was judged.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import time
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path

from conformance.contract import model, rules
from conformance.records.exchange import Expectation, Findings, Judged
from conformance.records.kinds import RequestKind, StepKind
from conformance.records.outcome import Failed
from conformance.records.settings import RunSettings
from conformance.report.record import CreatedStream, RunRecord, Traffic
from conformance.report.results import Results
from strategies import StreamRequest

from . import planner
from .draw import Exhausted, draw
from .governor import INTERRUPTED, BudgetExhausted, Governor, TargetUnreachable
from .minimize import minimize
from .preflight import preflight_problem
from .runner import Runner
from .sender import Sender
from .target import Target

StartEmulator = Callable[[contextlib.ExitStack, object], Target]
"""Starts the embedded emulator for the run's life (the ExitStack stops it), given the media receivers or None."""
Observer = Callable[[Judged], None]
"""Told of every judged exchange the run records, in order (`conformance compare` keeps them to pair)."""


class Phase(StrEnum):
    COVERAGE = "coverage set"
    DEPTH = "depth rounds"
    SCHEMATHESIS_COVERAGE = "schemathesis coverage"
    SCHEMATHESIS_FUZZING = "schemathesis fuzzing"


QUICK_PHASES = (Phase.COVERAGE,)
ALL_PHASES = tuple(Phase)


class RunNotMade(Exception):
    """The run cannot be made (target gone, credentials refused, ...): one line, exit 2."""


class Run:
    def __init__(self, settings: RunSettings, *, waivers: dict | None = None,
                 start_emulator: StartEmulator | None = None, observe: Observer | None = None) -> None:
        """`start_emulator`: how to start the embedded emulator when the settings name no target (the
        doors pass it: the run itself never imports the emulator). `observe`: told of each judged
        exchange as it is recorded (opt-in; a comparison keeps the sequence)."""
        self._observe = observe
        if settings.seed is None:
            settings = dataclasses.replace(settings, seed=random.randrange(2**32))
        self.settings = settings
        self.started = time.time()
        self._closer = contextlib.ExitStack()
        self._budget_spent = False
        self._finished: RunRecord | None = None
        try:
            self._receivers, cannot = self._start_receivers()
            self.target = self._start_target(start_emulator)
            self._governor = Governor(max_requests=settings.max_requests, rate=settings.rate)
            self._sender = Sender(self._governor, dry=settings.dry_run)
            self._runner = Runner(self.target, self._sender, seed=settings.seed)
            self.plan = planner.build(self._runner, seed=settings.seed, rounds=settings.max_examples,
                                      media=settings.media, lifecycle=settings.runs_lifecycle)
        except BaseException:
            self._closer.close()
            raise
        self._results = Results(secrets=self.target.secrets, basic_header=self.target.basic_header,
                                waivers=waivers, media=settings.media, allow_partial=settings.allow_partial,
                                gates=self.plan.gates(), coverage_set_size=self.plan.coverage_cost,
                                discard=settings.dry_run, lifecycle=settings.runs_lifecycle)
        self._minimized: set[str] = set()
        self._problem = cannot
        if cannot:
            self._results.record_problem(cannot)
        _, unreachable = self.plan.reachable(settings.max_requests)
        if unreachable:
            self._results.note(self.announcement()[-1].removeprefix("plan: ") if not settings.dry_run else
                               f"the budget cannot reach {len(unreachable)} rule(s)")

    # --- beginning ---------------------------------------------------------------------------------
    def _start_receivers(self):
        """The media receivers (--media), and why they could not start, if they could not."""
        s = self.settings
        if not s.media or s.dry_run:
            return None, None
        from conformance.media.receivers import Receivers

        try:
            receivers = self._closer.enter_context(Receivers(
                media_public_url=s.media_public_url, callback_public_url=s.callback_public_url,
                media_port=s.media_port, callback_port=s.callback_port, host=s.media_host or "127.0.0.1",
                tls_dir=self.media_tls_dir, cert_file=s.media_cert, key_file=s.media_key))
        except OSError as exc:  # the media host is not this machine's, a --media-port is taken, ...
            return None, (f"--media: the receivers could not start on {s.media_host or '127.0.0.1'}: "
                          f"{exc.strerror or exc}")
        return receivers, None

    @property
    def media_tls_dir(self) -> Path:
        return Path(self.settings.report_dir) / "media-tls"

    @property
    def receivers(self):
        return self._receivers

    def _start_target(self, start_emulator: StartEmulator | None) -> Target:
        s = self.settings
        if not s.uses_emulator:
            return Target(s.base_url, s.project_id, s.api_token, s.account_sid, s.conference_sids,
                          s.ca_file or True, is_emulator=False, scopeless_token=s.scopeless_token)
        if start_emulator is None:
            raise ValueError("these settings name no target, and no emulator was given to start")
        return start_emulator(self._closer, self._receivers)

    def announcement(self) -> list[str]:
        """Before anything is sent: the plan's size, and the rules a budget cannot reach."""
        lines = self.plan.describe(self.settings.max_requests)
        if self.settings.dry_run:
            lines += ["plan: the coverage set, in order (cumulative requests at most; rules offered):",
                      *self.plan.listing()]
        return lines

    # --- proceeding -------------------------------------------------------------------------------
    def preflight(self) -> None:
        """One valid create before the budget is spent: is the target there, and does it know us?"""
        if self._problem:
            raise RunNotMade(self._problem)
        if self.settings.dry_run:
            return
        request = StreamRequest(fields={"Url": "wss://media.example.com/preflight"})
        expectation = Expectation(RequestKind.VALID, (), "preflight", "the preflight request")
        exchange = self._guarded(lambda: self._runner.send(self._runner.case_for(request), expectation))
        problem = preflight_problem(exchange, self.target)
        if problem:
            self._not_made(problem)
        self._record(self._runner.judge(exchange))

    def phases(self) -> tuple[Phase, ...]:
        return QUICK_PHASES if self.settings.quick else ALL_PHASES

    def execute(self, phase: Phase) -> list[tuple[str, Failed]]:
        """Carry out one phase of the plan; the failures it recorded (empty once the budget is spent)."""
        if self._budget_spent:
            return []
        do = {Phase.COVERAGE: self._coverage_set, Phase.DEPTH: self._depth_rounds,
              Phase.SCHEMATHESIS_COVERAGE: self._schemathesis_coverage,
              Phase.SCHEMATHESIS_FUZZING: self._schemathesis_fuzzing}[phase]
        failures: list[tuple[str, Failed]] = []
        try:
            for step_failures in do():
                failures += step_failures
        except BudgetExhausted as exc:
            self._budget_spent = True
            self._results.spend_budget()
            self._results.note(f"{exc}: the run stopped there")
        except TargetUnreachable as exc:
            self._not_made(str(exc))
        return failures

    def carry_out(self, on_phase: Callable[[int, Phase, list[tuple[str, Failed]]], None] | None = None
                  ) -> RunRecord:
        """The whole run in one call (`conformance run`, each side of a comparison): the preflight, then every
        phase, `on_phase(index, phase, failures)` after each. A run not made, or interrupted, still ends in its
        record; the pytest plugin, which runs each phase as a case of its own, calls the steps itself."""
        try:
            self.preflight()
            for index, phase in enumerate(self.phases(), 1):
                failures = self.execute(phase)
                if on_phase is not None:
                    on_phase(index, phase, failures)
        except RunNotMade:
            pass  # the record says why
        except KeyboardInterrupt:
            INTERRUPTED.set()  # the one flag: the record reads it, and any request still in flight stops
        finally:
            record = self.finish()  # whatever ended the run, what it started is closed
        return record

    def must_failures(self, failures: Iterable[tuple[str, Failed]]) -> dict[str, Failed]:
        """The MUST rules among `failures` with no live waiver: what fails a phase."""
        must: dict[str, Failed] = {}
        for rule_id, failed in failures:
            if rules.get(rule_id).level is rules.Level.MUST and rule_id not in must \
                    and not self._results.is_waived(rule_id):
                must[rule_id] = failed
        return must

    @property
    def requests_judged(self) -> int:
        return self._results.requests

    def _guarded(self, send):
        try:
            return send()
        except TargetUnreachable as exc:
            self._not_made(str(exc))

    def _not_made(self, message: str):
        self._results.record_problem(message)
        raise RunNotMade(message)

    # recording: the run's only writes into its results
    def _record(self, judged: Judged) -> list[tuple[str, Failed]]:
        if self._observe is not None:
            self._observe(judged)
        return self._results.record(judged)

    def _record_findings(self, found: Findings) -> list[tuple[str, Failed]]:
        if self._observe is not None:  # a probe's verdicts are told like every other (a comparison pairs them)
            for judged in found.judged:
                self._observe(judged)
        return self._results.record_findings(found)

    def _offered(self, offers: Iterable[str], count: int = 1) -> None:
        self._results.offer(offers, count)

    # steps
    def _send_request(self, request: StreamRequest, offers: Iterable[str] | None = None) -> list:
        failures = self._record(self._runner.exchange(request))
        self._offered(planner.offers_for(request) if offers is None else offers)
        if request.kind is not RequestKind.OPEN:  # an open point is shown as it was sent
            for rule_id, _ in failures:
                if rule_id not in self._minimized:
                    self._minimized.add(rule_id)
                    for exchange, failed in minimize(self._runner, request, rule_id):
                        self._results.add_example(rule_id, exchange, failed)
        return failures

    def _send_case(self, case, source: str) -> list:
        positive = self._runner.is_positive(case)
        failures = self._record(self._runner.exchange_case(case, source))
        encoding = "json" if case.media_type == model.JSON else "form"
        self._offered(planner.UNIVERSAL | {planner.accept_rule(encoding) if positive else planner.SCHEMA_NEGATIVE})
        return failures

    def _probe(self, step: planner.Step, *receivers) -> list:
        """A stateful probe (the media probe with the receivers): what it judged, recorded, and as many requests
        offered its rules as it sent."""
        before = self._governor.sent
        failures = self._record_findings(step.probe(self._runner, *receivers))
        self._offered(step.offers, max(1, self._governor.sent - before))
        return failures

    def _step(self, step: planner.Step) -> list:
        do = {StepKind.REQUEST: lambda: self._send_request(step.request, step.offers),
              StepKind.SCHEMATHESIS: lambda: self._send_case(step.case, "schemathesis:coverage"),
              StepKind.PROBE: lambda: self._probe(step),
              StepKind.MEDIA: lambda: self._probe(step, self._receivers) if self._receivers is not None else []
              }[step.kind]
        return do()

    # phases: each yields the failures of one step at a time
    def _coverage_set(self):
        for step in self.plan.coverage:
            yield self._step(step)
            self._results.cover(step.gates)

    def _depth_rounds(self):
        """Round by round, one more example of every stream: breadth before depth."""
        for _, _, request in self.plan.depth():
            yield self._send_request(request)

    def _schemathesis_coverage(self):
        """Schemathesis's coverage phase (boundary and missing-value cases), POST only."""
        for schema, modes in ((self._runner.positive_schema, [model.MODES["positive"]]),
                              (self._runner.schema, [model.MODES["negative"]])):
            operation = model.operation(schema)
            config = schema.config.generation_for(operation=operation, phase="coverage")
            for case in schema.iter_coverage_cases(operation, generation_modes=modes, generation_config=config):
                if case.method.upper() != "POST" or case.media_type not in (model.FORM, model.JSON):
                    continue  # other methods and media types are probes the contract says nothing about
                yield self._send_case(case, "schemathesis:coverage")

    def _fuzz_strategy(self, mode: str, media_type: str):
        schema = self._runner.positive_schema if mode == "positive" else self._runner.schema
        return model.operation(schema).as_strategy(
            model.MODES[mode], media_type=media_type,
            path_parameters={"AccountSid": self.target.account_sid, "ConferenceSid": self.target.conference_sid},
            headers={"Authorization": self.target.basic_header})

    def _schemathesis_fuzzing(self):
        """Schemathesis's fuzzing phase, positive and negative alternately, form and JSON by turns."""
        strategies = {(mode, media): self._fuzz_strategy(mode, media)
                      for mode in ("positive", "negative") for media in (model.FORM, model.JSON)}
        for round_no in range(1, self.settings.max_examples + 1):
            media = model.FORM if round_no % 2 else model.JSON
            for mode in ("positive", "negative"):
                try:
                    case = draw(strategies[(mode, media)], self.settings.seed, f"schemathesis/{mode}/{round_no}")
                except Exhausted:
                    continue
                yield self._send_case(case, f"schemathesis:fuzzing:{mode}")

    # --- ending -----------------------------------------------------------------------------------
    def finish(self) -> RunRecord:
        """Clean up, close what the run started, and freeze what it found. Called once; later calls
        return the same record."""
        if self._finished is not None:
            return self._finished
        try:
            self._clean_up()
        except BudgetExhausted:
            self._results.note("the request budget ran out during clean-up")
        except (TargetUnreachable, KeyboardInterrupt):
            self._results.note("clean-up was cut short")
        finally:
            self._closer.close()
        self._traffic_notes()
        governor = self._governor
        self._finished = RunRecord(
            settings=self.settings, base_url=self.target.base_url, embedded_emulator=self.target.is_emulator,
            results=self._results,
            traffic=Traffic(sent=governor.sent, max_requests=governor.max_requests, throttled=governor.throttled,
                            unavailable=governor.unavailable, network_faults=governor.network_faults),
            ledger=tuple(CreatedStream(*entry) for entry in self._runner.created),
            started=self.started, finished=time.time(), interrupted=INTERRUPTED.is_set())
        return self._finished

    def _clean_up(self) -> None:
        runner = self._runner
        if self.settings.cleanup and runner.created and not self.settings.dry_run:
            count = len(runner.created)
            stopped, left = runner.cleanup()
            self._results.note(f"--cleanup stopped {stopped} of {count} created streams"
                               + (f"; {left} left running (see the ledger)" if left else ""))

    def _traffic_notes(self) -> None:
        governor, results = self._governor, self._results
        if governor.throttled:
            results.note(f"the target throttled {governor.throttled} request(s) (429); each was waited out and retried")
        if governor.unavailable:
            results.note(f"the target was unavailable (503) for {governor.unavailable} request(s); each was waited "
                         "out and retried")
        if governor.network_faults:
            results.note(f"{governor.network_faults} network fault(s) were retried")
        for result in results.by_rule.values():
            if result.waiver is not None and not result.waived:
                results.note(f"the waiver for {result.rule.id} expired on {result.waiver.expires}: it counts again")
        if self.settings.dry_run:
            results.note(f"--dry-run: {governor.sent} request(s) printed, none sent")
