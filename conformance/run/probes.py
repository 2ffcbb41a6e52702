"""Stateful probes: what one request cannot show (Name uniqueness, sequential and concurrent).

A probe sends and gathers the evidence; `checks.state` judges it. Each returns what it judged
(`Findings`), for the run to record.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from conformance.checks import state
from conformance.records.evidence import ConcurrentCreates, DuplicateName, NameAfterRefusal
from conformance.records.exchange import Exchange, Expectation, Findings, Judged
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


def name_sequence(runner: Runner) -> Findings:
    """One Name through its life: a create refused (a ws:// Url) takes no Name, so a valid create with it is
    accepted (name-free-after-refusal, MUST); a second live stream with it SHOULD then be rejected at once
    (name-unique)."""
    name = runner.name_prefix() + "duplicate"
    refused = _create(runner, name, RequestKind.INVALID, url="ws://media.example.com/probe",
                      rule_ids=("url-scheme-wss",))
    # if the "refused" create was in fact accepted (its own rule fails), the next is a duplicate, not a valid create
    first = _create(runner, name, RequestKind.VALID if 400 <= refused.status < 500 else RequestKind.PROBE)
    judged = [runner.judge(refused), runner.judge(first),
              *_state_verdict(first, "name-free-after-refusal", NameAfterRefusal(refused, first))]
    created = [refused, first]
    if first.status == 200:
        second = _create(runner, name)
        judged += [runner.judge(second), *_state_verdict(second, "name-unique", DuplicateName(first, second))]
        created.append(second)
    _stop_created(runner, created)
    return Findings(judged)


def concurrent_duplicate_name(runner: Runner) -> Findings:
    """Several simultaneous creates with one Name: at most one SHOULD succeed."""
    name = runner.name_prefix() + "concurrent"
    sessions = [runner.new_session() for _ in range(CONCURRENT_CREATES)]
    with ThreadPoolExecutor(CONCURRENT_CREATES) as pool:
        exchanges = tuple(pool.map(lambda s: _create(runner, name, session=s), sessions))
    judged = [runner.judge(ex) for ex in exchanges]
    judged += _state_verdict(exchanges[-1], "name-unique-concurrent", ConcurrentCreates(exchanges))
    _stop_created(runner, exchanges)
    return Findings(judged)
