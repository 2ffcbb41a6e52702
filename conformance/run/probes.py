"""Stateful probes: what one request cannot show (Name uniqueness, sequential and concurrent)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from conformance.records.exchange import Exchange, Expectation
from conformance.records.outcome import PASS, Failed
from strategies import StreamRequest

from .governor import GovernedSession
from .runner import Runner

CONCURRENT_CREATES = 4


def _create(runner: Runner, name: str, kind: str = "probe", session: GovernedSession | None = None) -> Exchange:
    """A create with exactly this Name (no per-request prefix), sent like every other case."""
    request = StreamRequest(fields={"Url": "wss://media.example.com/probe", "Name": name})
    expectation = Expectation(kind, (), "probe:name-unique", f"a create named {name!r}")
    return runner.send(runner.case_for(request, unique_name=False), expectation, session=session)


def _stop_created(runner: Runner, exchanges: list[Exchange]) -> None:
    for ex in exchanges:
        if ex.created_sid:
            runner.stop_stream(runner.target.account_sid, runner.target.conference_sid, ex.created_sid)


def duplicate_name(runner: Runner) -> list:
    """Create a stream, then another with the same Name: the second SHOULD be rejected at once."""
    name = runner.name_prefix() + "duplicate"
    first = _create(runner, name, kind="valid")
    failures = runner.judge(first)
    if first.status != 200:
        return failures  # the first create's own failure is already recorded
    second = _create(runner, name)
    outcome = PASS if second.status in (400, 422) else Failed(
        "400 or 422 for a second live stream with the same Name", f"{second.status} {second.response_text[:200]}")
    failures += runner.judge(second)
    failures += runner.results.record(second, [("name-unique", outcome)], traffic=False)
    _stop_created(runner, [first, second])
    return failures


def concurrent_duplicate_name(runner: Runner) -> list:
    """Several simultaneous creates with one Name: at most one SHOULD succeed."""
    name = runner.name_prefix() + "concurrent"
    sessions = [runner.new_session() for _ in range(CONCURRENT_CREATES)]
    with ThreadPoolExecutor(CONCURRENT_CREATES) as pool:
        exchanges = list(pool.map(lambda s: _create(runner, name, session=s), sessions))
    failures = []
    for ex in exchanges:
        failures += runner.judge(ex)
    created = [ex for ex in exchanges if ex.status == 200]
    outcome = PASS if len(created) <= 1 else Failed(
        f"at most one 200 among {CONCURRENT_CREATES} simultaneous creates named alike", f"{len(created)} were 200")
    failures += runner.results.record(exchanges[-1], [("name-unique-concurrent", outcome)], traffic=False)
    _stop_created(runner, exchanges)
    return failures
