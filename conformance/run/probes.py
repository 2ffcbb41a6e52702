"""Stateful probes: what one request cannot show (Name uniqueness, sequential and concurrent).

A probe sends and gathers the evidence; `checks.state` judges it. Each returns what it judged,
for the run to record.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from conformance.checks import state
from conformance.records.evidence import ConcurrentCreates, DuplicateName, NameAfterRefusal
from conformance.records.exchange import Exchange, Expectation, Judged
from conformance.records.kinds import RequestKind
from strategies import StreamRequest

from .governor import GovernedSession
from .runner import Runner

CONCURRENT_CREATES = 4


def _create(runner: Runner, name: str, kind: RequestKind = RequestKind.PROBE,
            session: GovernedSession | None = None, *, url: str = "wss://media.example.com/probe",
            rule_ids: tuple[str, ...] = ()) -> Exchange:
    """A create with exactly this Name (no per-request prefix), sent like every other case."""
    request = StreamRequest(fields={"Url": url, "Name": name})
    expectation = Expectation(kind, rule_ids, "probe:name-unique", f"a create named {name!r}")
    return runner.send(runner.case_for(request, unique_name=False), expectation, session=session)


def _stop_created(runner: Runner, exchanges) -> None:
    for ex in exchanges:
        if ex.created_sid:
            runner.stop_stream(runner.target.account_sid, runner.target.conference_sid, ex.created_sid)


def _state_verdict(exchange: Exchange, rule_id: str, evidence) -> list[Judged]:
    outcome = state.STATE.checks[rule_id](evidence)
    return [] if outcome is None else [Judged(exchange, ((rule_id, outcome),), counted=False)]


def duplicate_name(runner: Runner) -> list[Judged]:
    """Create a stream, then another with the same Name: the second SHOULD be rejected at once."""
    name = runner.name_prefix() + "duplicate"
    first = _create(runner, name, kind=RequestKind.VALID)
    judged = [runner.judge(first)]
    if first.status != 200:
        return judged  # the first create's own failure is already judged
    second = _create(runner, name)
    judged += [runner.judge(second), *_state_verdict(second, "name-unique", DuplicateName(first, second))]
    _stop_created(runner, [first, second])
    return judged


def concurrent_duplicate_name(runner: Runner) -> list[Judged]:
    """Several simultaneous creates with one Name: at most one SHOULD succeed."""
    name = runner.name_prefix() + "concurrent"
    sessions = [runner.new_session() for _ in range(CONCURRENT_CREATES)]
    with ThreadPoolExecutor(CONCURRENT_CREATES) as pool:
        exchanges = tuple(pool.map(lambda s: _create(runner, name, session=s), sessions))
    judged = [runner.judge(ex) for ex in exchanges]
    judged += _state_verdict(exchanges[-1], "name-unique-concurrent", ConcurrentCreates(exchanges))
    _stop_created(runner, exchanges)
    return judged


def name_after_refusal(runner: Runner) -> list[Judged]:
    """A create refused (a ws:// Url), then a valid one with the same Name: the refusal took no Name."""
    name = runner.name_prefix() + "refused"
    refused = _create(runner, name, RequestKind.INVALID, url="ws://media.example.com/probe",
                      rule_ids=("url-scheme-wss",))
    retry = _create(runner, name, RequestKind.VALID)
    judged = [runner.judge(refused), runner.judge(retry),
              *_state_verdict(retry, "name-free-after-refusal", NameAfterRefusal(refused, retry))]
    _stop_created(runner, [refused, retry])
    return judged
