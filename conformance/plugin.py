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

from .explore import Explorer
from .options import TARGET_OPTIONS, RunSettings, UsageError, resolve, run_settings
from .results import Results
from .runner import Runner, TargetUnreachable
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
    for option in TARGET_OPTIONS:
        env = f" [env: {option.env}]" if option.env else ""
        group.addoption(_flag(option), dest=f"conformance_{option.name}", default=None,
                        action="append" if option.many else "store", metavar=option.metavar,
                        help=option.help + env)


def _settings_from(config: pytest.Config) -> RunSettings:
    if SETTINGS_KEY in config.stash:
        return config.stash[SETTINGS_KEY]
    given = {o.name: config.getoption(f"conformance_{o.name}") for o in TARGET_OPTIONS}
    return run_settings(resolve(TARGET_OPTIONS, given))


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
    try:
        case = runner.case_for(StreamRequest(fields=dict(MINIMAL_VALID)))
        exchange = runner.send(case, _preflight_expectation())
    except TargetUnreachable as exc:
        _unusable(state, str(exc))
    if exchange.status == 401:
        _unusable(state, f"the credentials were rejected (401) by {state.target.base_url}: check the project id "
                         "and API token")
    if exchange.status == 404:
        _unusable(state, f"conference {state.target.conference_sid} was not found (404) at "
                         f"{state.target.base_url}: check --conference-sid and --account-sid")
    runner.judge(exchange)


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
        state.results = Results(secrets=state.target.secrets, basic_header=state.target.basic_header)
        state.runner = Runner(state.target, state.results, seed=state.seed)
        state.explorer = Explorer(state.runner, max_examples=state.settings.max_examples, seed_value=state.seed)
        _preflight(state)
    yield state.explorer


def pytest_keyboard_interrupt(excinfo) -> None:
    _interrupted[0] = True


_interrupted = [False]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(STATE_KEY, None)
    if state is None or state.results is None:
        return
    state.finished = time.time()
    state.interrupted = _interrupted[0] or exitstatus == pytest.ExitCode.INTERRUPTED
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
