"""Everything a run observed, per rule: counts, the smallest failing examples, and traffic figures."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from conformance.contract import rules
from conformance.records.exchange import Exchange, Findings, Judged
from conformance.records.kinds import RequestKind, Status
from conformance.records.outcome import PASS, Failed

from .coverage import Coverage
from .redact import redact

KEPT_EXAMPLES = 3


@dataclass(frozen=True)
class Example:
    rule_id: str
    expected: str
    got: str
    reason: str
    source: str
    method: str
    url: str
    content_type: str | None
    authorization: str
    """'target' (the run's own credentials), 'none', or the header sent, scrubbed."""
    request_body: str
    status: int
    response_body: str
    curl: str
    seed: int | None
    size: int
    derived_credentials: dict | None = None
    """{kind, noise} when `authorization` was derived from the target's own (the authentication matrix)."""

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "size"}


@dataclass
class RuleResult:
    rule: rules.Rule
    passed: int = 0
    failed: int = 0
    examples: list[Example] = field(default_factory=list)
    waiver: object = None
    """A `waivers.Waiver` for this rule, live or expired, if the run was given one."""
    offered: int = 0
    """Requests sent whose answers this rule judges (whether or not the answer called for it)."""
    expected: bool = True
    """False for media rules without --media: not run, and not counted as such."""

    planned: int = 0
    """Coverage-set steps that exercise this rule: all of them sent, and the rule ran in full."""
    covered: int = 0

    @property
    def exercised(self) -> bool:
        return bool(self.offered or self.passed or self.failed)

    @property
    def complete(self) -> bool:
        return self.exercised and self.covered >= self.planned

    @property
    def waived(self) -> bool:
        return self.waiver is not None and self.waiver.active()

    @property
    def status(self) -> Status:
        if self.failed:
            if self.waived:
                return Status.WAIVED
            return Status.FAIL if self.rule.level is rules.Level.MUST else Status.WARN
        if not self.expected:
            return Status.PASS if self.passed else Status.SKIP
        if not self.exercised:
            return Status.NOT_RUN
        if not self.complete:
            return Status.PARTIAL  # some of its coverage-set requests were never sent
        # offered, but no answer called for it (errors-nonempty when no 422 came back): held vacuously
        return Status.PASS if self.passed else Status.NOT_APPLICABLE


class Results:
    """Everything judged in one run. Written by the run that owns it (`conformance.run.lifecycle.Run`),
    and by no other module; read by the report. Thread-safe.

    `gates`: how many coverage-set steps exercise each rule (see `planner.Plan.gates`); `coverage_set_size`:
    the planned coverage set in requests (preflight included); `discard`: judge nothing (a dry run, whose
    answers are not the target's)."""

    def __init__(self, *, secrets: tuple[str, ...], basic_header: str, waivers: dict | None = None,
                 media: bool = False, allow_partial: bool = False, gates: dict[str, int] | None = None,
                 coverage_set_size: int | None = None, discard: bool = False, lifecycle: bool = False) -> None:
        self._lock = threading.Lock()
        self._secrets = secrets
        self._basic_header = basic_header
        self.by_rule: dict[str, RuleResult] = {rule_id: RuleResult(rule) for rule_id, rule in rules.RULES.items()}
        self.requests = 0
        self.statuses_by_area: dict[str, Counter] = {}
        self.latencies_ms: list[float] = []
        self.problems: list[str] = []
        """Reasons the run could not be made (target gone, credentials refused): exit 2."""
        self.budget_spent = False
        self.waveforms: dict[str, list[int]] = {}
        """Per codec, the first decoded samples received (--media), for the HTML report."""
        """Per open point the run touched, the statuses the target answered: information, never a failure."""
        self.notes: list[str] = []
        """Things a reader should know that are not findings (budget spent, throttling, waivers expired)."""
        for rule_id, waiver in (waivers or {}).items():
            self.by_rule[rule_id].waiver = waiver
        self.media = media
        self.allow_partial = allow_partial
        for rule_id in rules.MEDIA_RULE_IDS:
            self.by_rule[rule_id].expected = media
        for rule_id in rules.LIFECYCLE_RULE_IDS:  # they stop streams: only with --lifecycle
            self.by_rule[rule_id].expected = lifecycle
        self.coverage = Coverage()
        self.discard = discard
        self.coverage_set_size = coverage_set_size
        for rule_id, count in (gates or {}).items():
            if rule_id in self.by_rule:
                self.by_rule[rule_id].planned = count

    def is_waived(self, rule_id: str) -> bool:
        return self.by_rule[rule_id].waived

    def note(self, message: str) -> None:
        with self._lock:
            if message not in self.notes:
                self.notes.append(message)

    def record(self, judged: Judged) -> list[tuple[str, Failed]]:
        """Count the exchange (unless it was counted before) and its rules' outcomes; the failures."""
        ex, outcomes, traffic = judged.exchange, judged.outcomes, judged.counted
        failures = []
        if self.discard:
            return failures
        with self._lock:
            if traffic:
                self.requests += 1
                self.latencies_ms.append(ex.elapsed * 1000)
                self.statuses_by_area.setdefault(self._area(ex), Counter())[ex.status] += 1
                self.coverage.observe(ex)
            for rule_id, outcome in outcomes:
                result = self.by_rule[rule_id]
                if outcome == PASS:
                    result.passed += 1
                elif isinstance(outcome, Failed):
                    result.failed += 1
                    failures.append((rule_id, outcome))
                    self._keep(result, ex, outcome)
        return failures

    def _area(self, ex: Exchange) -> str:
        ids = ex.expectation.rule_ids
        kind = ex.expectation.kind
        if kind is RequestKind.OPEN:
            return "open points"
        if ids:
            return rules.get(ids[0]).area.value
        return "validation" if kind is RequestKind.SCHEMA_NEGATIVE else "valid requests"

    def _keep(self, result: RuleResult, ex: Exchange, failed: Failed) -> None:
        safe = redact(ex, secrets=self._secrets, basic_header=self._basic_header)
        example = Example(
            rule_id=result.rule.id,
            expected=failed.expected,
            got=safe.text(failed.got),
            reason=ex.expectation.reason,
            source=ex.expectation.source,
            method=safe.method,
            url=safe.url,
            content_type=safe.content_type,
            authorization=safe.authorization,
            request_body=safe.request_body,
            status=ex.status,
            response_body=safe.response_body,
            curl=safe.curl,
            seed=ex.seed,
            size=len(safe.request_body) + len(safe.url),
            derived_credentials=safe.derived_credentials,
        )
        result.examples.append(example)
        result.examples.sort(key=lambda e: e.size)
        del result.examples[KEPT_EXAMPLES:]

    def record_findings(self, found: Findings) -> list[tuple[str, Failed]]:
        """What a probe found: its notes, open-point observations and waveforms, and its verdicts."""
        for note in found.notes:
            self.note(note)
        for point_id, seen in found.observations:
            self.observe_open_point(point_id, seen)
        for codec, samples in found.waveforms.items():
            self.keep_waveform(codec, samples)
        failures = []
        for judged in found.judged:
            failures += self.record(judged)
        return failures

    def keep_waveform(self, codec: str, samples: list[int]) -> None:
        with self._lock:
            if samples and codec not in self.waveforms:
                self.waveforms[codec] = samples

    def add_example(self, rule_id: str, ex: Exchange, failed: Failed) -> None:
        """A further failing example of a rule, already counted (a minimized reproduction)."""
        if self.discard:
            return
        with self._lock:
            self._keep(self.by_rule[rule_id], ex, failed)

    def record_problem(self, message: str) -> None:
        with self._lock:
            self.problems.append(message)

    def observe_open_point(self, point_id: str, seen: str) -> None:
        """A media open point: what the stream did there, counted like a status (information only)."""
        with self._lock:
            self.coverage.open_points.setdefault(point_id, Counter())[seen] += 1

    @property
    def open_points(self) -> dict:
        """The open points the run touched, with the statuses the target answered there (for a media
        open point, what the stream did)."""
        return {point: counts for point, counts in self.coverage.open_points.items() if counts}

    @property
    def must_failed(self) -> list[RuleResult]:
        return [r for r in self.by_rule.values() if r.status is Status.FAIL]

    def offer(self, rule_ids, count: int = 1) -> None:
        """`count` requests were sent whose answers the rules `rule_ids` judge."""
        if self.discard:
            return
        with self._lock:
            for rule_id in rule_ids:
                if rule_id in self.by_rule:
                    self.by_rule[rule_id].offered += count

    def cover(self, rule_ids) -> None:
        """A coverage-set step was sent: one more of each of these rules' planned steps."""
        if self.discard:
            return
        with self._lock:
            for rule_id in rule_ids:
                if rule_id in self.by_rule:
                    self.by_rule[rule_id].covered += 1

    @property
    def must_expected(self) -> list[RuleResult]:
        return [r for r in self.by_rule.values() if r.rule.level is rules.Level.MUST and r.expected]

    @property
    def must_not_run(self) -> list[RuleResult]:
        """MUST rules not exercised in full (NOT RUN or PARTIAL); failed ones count as failed."""
        return [r for r in self.must_expected if not r.complete and not r.failed]

    def spend_budget(self) -> None:
        with self._lock:
            self.budget_spent = True
