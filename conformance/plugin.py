"""The pytest plugin: options, the `conformance` fixture, and the run's verdict and reports.

Registered through the `pytest11` entry point, so a user's CI runs the packaged cases with
`pytest --pyargs conformance.cases --conformance-base-url ...`; `conformance run` runs the very
same cases in-process and hands its settings over through `config.stash`.
"""

from __future__ import annotations

import contextlib
import random
import time
from dataclasses import dataclass, field

import pytest

from .config import settings_for
from .explore import Explorer
from .governor import BudgetExhausted, Governor
from .options import CONFIG_OPTIONS, TARGET_OPTIONS, RunSettings, UsageError
from .results import Results
from .runner import Runner
from .target import Target, emulator_target

SETTINGS_KEY = pytest.StashKey[RunSettings]()
STATE_KEY = pytest.StashKey["RunState"]()
MINIMAL_VALID = {"Url": "wss://media.example.com/preflight"}


@dataclass
class RunState:
    settings: RunSettings
    seed: int
    target: Target | None = None
    results: Results | None = None
    runner: Runner | None = None
    explorer: Explorer | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None
    interrupted: bool = False
    closer: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)


def _flag(option) -> str:
    return "--conformance-" + option.name.replace("_", "-")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "SignalWire Create a Conference Stream conformance")
    for option in TARGET_OPTIONS + CONFIG_OPTIONS:
        env = f" [env: {option.env}]" if option.env else ""
        if option.switch:
            group.addoption(_flag(option), dest=f"conformance_{option.name}", action="store_true", default=False,
                            help=option.help + env)
            continue
        group.addoption(_flag(option), dest=f"conformance_{option.name}", default=None,
                        action="append" if option.many else "store", metavar=option.metavar,
                        help=option.help + env)


def _settings_from(config: pytest.Config) -> RunSettings:
    if SETTINGS_KEY in config.stash:
        return config.stash[SETTINGS_KEY]
    given = {o.name: config.getoption(f"conformance_{o.name}") for o in TARGET_OPTIONS + CONFIG_OPTIONS}
    return settings_for(given)


def _state(config: pytest.Config) -> RunState:
    if STATE_KEY not in config.stash:
        try:
            settings = _settings_from(config)
        except UsageError as exc:
            pytest.exit(f"conformance: error: {exc}", returncode=2)
        seed = settings.seed if settings.seed is not None else random.randrange(2**32)
        config.stash[STATE_KEY] = RunState(settings, seed)
    return config.stash[STATE_KEY]


def _start_target(state: RunState) -> Target:
    s = state.settings
    if s.uses_emulator:
        from .emulator import running_emulator

        return emulator_target(state.closer.enter_context(running_emulator()))
    return Target(s.base_url, s.project_id, s.api_token, s.account_sid, s.conference_sids,
                  s.ca_file or True, is_emulator=False)


def _preflight(state: RunState) -> None:
    """One valid create before the budget is spent: is the target there, and does it know us?"""
    from strategies import StreamRequest

    runner = state.runner
    case = runner.case_for(StreamRequest(fields=dict(MINIMAL_VALID)))
    exchange = runner.send(case, _preflight_expectation())
    if exchange.status == 401:
        _unusable(state, f"the credentials were rejected (401) by {state.target.base_url}: check the project id "
                         "and API token")
    if exchange.status == 404:
        _unusable(state, f"conference {state.target.conference_sid} was not found (404) at "
                         f"{state.target.base_url}: check --conference-sid and --account-sid")
    runner.judge(exchange)


def _waivers(settings: RunSettings) -> dict:
    if not settings.waivers:
        return {}
    from . import waivers

    try:
        return waivers.load(settings.waivers)
    except UsageError as exc:
        pytest.exit(f"conformance: error: {exc}", returncode=2)


def _finish_traffic(state: RunState) -> None:
    """Clean-up, then what the governor saw, as notes for the report."""
    runner, results = state.runner, state.results
    if state.settings.cleanup and runner.created and not state.settings.dry_run:
        stopped, left = runner.cleanup()
        results.note(f"--cleanup stopped {stopped} of {len(runner.created)} created streams"
                     + (f"; {left} left running (see the ledger)" if left else ""))
    governor = runner.governor
    if governor.throttled:
        results.note(f"the target throttled {governor.throttled} request(s) (429); each was waited out and retried")
    if governor.network_faults:
        results.note(f"{governor.network_faults} network fault(s) were retried")
    for result in results.by_rule.values():
        if result.waiver is not None and not result.waived:
            results.note(f"the waiver for {result.rule.id} expired on {result.waiver.expires}: it counts again")
    if state.settings.dry_run:
        results.note(f"--dry-run: {runner.planned} request(s) printed, none sent")


def _preflight_expectation():
    from .exchange import Expectation

    return Expectation("valid", (), "preflight", "the preflight request")


def _unusable(state: RunState, message: str) -> None:
    state.results.record_problem(message)
    pytest.exit(f"conformance: {message}", returncode=2)


@pytest.fixture(scope="session")
def conformance(request: pytest.FixtureRequest) -> Explorer:
    """The run: target started or reached, preflight passed; `explore(strategy)` sends examples."""
    state = _state(request.config)
    if state.explorer is None:
        state.target = _start_target(state)
        s = state.settings
        state.results = Results(secrets=state.target.secrets, basic_header=state.target.basic_header,
                                waivers=_waivers(s))
        governor = Governor(max_requests=s.max_requests, rate=s.rate)
        state.runner = Runner(state.target, state.results, seed=state.seed, governor=governor, dry_run=s.dry_run)
        state.explorer = Explorer(state.runner, max_examples=s.max_examples, seed_value=state.seed)
        if not s.dry_run:
            state.explorer.guarded(_preflight, state)
    yield state.explorer


def pytest_keyboard_interrupt(excinfo) -> None:
    # pytest.exit() arrives here too (its exception subclasses KeyboardInterrupt): only Ctrl-C counts
    if not isinstance(excinfo.value, pytest.exit.Exception):
        _interrupted[0] = True


_interrupted = [False]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(STATE_KEY, None)
    if state is None or state.results is None:
        return
    state.finished = time.time()
    state.interrupted = _interrupted[0]
    try:
        _finish_traffic(state)
    except BudgetExhausted:
        state.results.note("the request budget ran out during clean-up")
    state.closer.close()
    from .reporting import write_reports

    state.report_paths = write_reports(state)
    if state.results.problems:
        session.exitstatus = 2


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    state = config.stash.get(STATE_KEY, None)
    if state is None or state.results is None:
        return
    from .summary import summary_lines

    terminalreporter.section("conformance")
    for line in summary_lines(state):
        terminalreporter.write_line(line)
