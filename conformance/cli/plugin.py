"""The pytest plugin: options, the `conformance` fixture, and the run's verdict and reports.

Registered through the `pytest11` entry point, so a user's CI runs the packaged cases with
`pytest --pyargs conformance.cases --conformance-base-url ...`; `conformance run` runs the very
same cases in-process and hands its settings over through `config.stash`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import random
import time
from dataclasses import dataclass, field

import pytest

from conformance.records.exchange import Expectation
from conformance.report.results import Results
from conformance.run.explore import Explorer
from conformance.run.governor import BudgetExhausted, Governor
from conformance.run.runner import Runner
from conformance.run.target import Target, emulator_target

from .config import settings_for, target_names
from .options import CONFIG_OPTIONS, TARGET_OPTIONS, RunSettings, UsageError

SETTINGS_KEY = pytest.StashKey[RunSettings]()
STATE_KEY = pytest.StashKey["RunState"]()
"""The single-target run's state (also the CLI's view of it)."""
STATES_KEY = pytest.StashKey[dict]()
"""Every target's state in this process, by target name (None: the single target)."""
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
    group.addoption("--conformance-targets", dest="conformance_targets", default=None, metavar="all|A,B",
                    help="run several config-file targets (with -n, in parallel on xdist workers)")
    for option in TARGET_OPTIONS + CONFIG_OPTIONS:
        env = f" [env: {option.env}]" if option.env else ""
        if option.switch:
            group.addoption(_flag(option), dest=f"conformance_{option.name}", action="store_true", default=False,
                            help=option.help + env)
            continue
        group.addoption(_flag(option), dest=f"conformance_{option.name}", default=None,
                        action="append" if option.many else "store", metavar=option.metavar,
                        help=option.help + env)


def _given(config: pytest.Config) -> dict:
    return {o.name: config.getoption(f"conformance_{o.name}") for o in TARGET_OPTIONS + CONFIG_OPTIONS}


def _settings_from(config: pytest.Config, target: str | None) -> RunSettings:
    if SETTINGS_KEY in config.stash and target is None:
        return config.stash[SETTINGS_KEY]
    settings = settings_for(_given(config), target=target)
    if target is not None:  # one report folder per target
        settings = dataclasses.replace(settings, report_dir=os.path.join(settings.report_dir, target))
    return settings


TARGETS_KEY = pytest.StashKey[list]()


def target_list(config: pytest.Config) -> list[str]:
    """The targets of a several-target run (`--conformance-targets all` or a comma list); [] otherwise.

    Read once per process: it is asked by every test function's parametrization and by the hooks."""
    if TARGETS_KEY not in config.stash:
        config.stash[TARGETS_KEY] = _read_targets(config)
    return config.stash[TARGETS_KEY]


def _read_targets(config: pytest.Config) -> list[str]:
    raw = config.getoption("conformance_targets", None)
    if not raw:
        return []
    try:
        known = target_names(_given(config))
    except UsageError as exc:
        raise pytest.UsageError(f"conformance: error: {exc}") from None
    names = known if raw.strip() == "all" else [n.strip() for n in raw.split(",") if n.strip()]
    missing = [n for n in names if n not in known]
    if missing or not names:
        raise pytest.UsageError(f"conformance: error: --targets: not in the config file: {', '.join(missing) or raw}"
                                f" (defined: {', '.join(known) or 'none'})")
    return names


def _state(config: pytest.Config, target: str | None = None) -> RunState:
    states = config.stash.setdefault(STATES_KEY, {})
    if target not in states:
        try:
            settings = _settings_from(config, target)
        except UsageError as exc:
            pytest.exit(f"conformance: error: {exc}", returncode=2)
        seed = settings.seed if settings.seed is not None else random.randrange(2**32)
        states[target] = RunState(settings, seed)
        if target is None:
            config.stash[STATE_KEY] = states[target]
    return states[target]


def _start_receivers(state: RunState):
    s = state.settings
    if not s.media:
        return None
    from pathlib import Path

    from conformance.media.receivers import Receivers

    tls_dir = Path(s.report_dir) / "media-tls"
    if s.dry_run:  # nothing is sent, but the CA is made, so a vendor's server can trust it before the first run
        if not (s.media_public_url or s.media_cert or s.uses_emulator):
            from conformance.common.tls import load_or_make_ca

            load_or_make_ca(tls_dir)
            print(trust_line(str((tls_dir / "ca.pem").resolve())), flush=True)
        return None
    receivers = state.closer.enter_context(Receivers(
        media_public_url=s.media_public_url, callback_public_url=s.callback_public_url,
        media_port=s.media_port, callback_port=s.callback_port, host=s.media_host or "127.0.0.1",
        tls_dir=tls_dir, cert_file=s.media_cert, key_file=s.media_key))
    if not s.uses_emulator:
        print(f"conformance: media: streams to {receivers.media_url('...')}, callbacks to "
              f"{receivers.callback_url('...')}", flush=True)
        if receivers.ca_file:
            print(trust_line(receivers.ca_file), flush=True)
    return receivers


def trust_line(ca_file: str) -> str:
    return (f"conformance: media: the wss receiver's CA is {ca_file}; a server that checks certificates trusts it "
            f"with SSL_CERT_FILE={ca_file} (OpenSSL, Python), REQUESTS_CA_BUNDLE (requests), NODE_EXTRA_CA_CERTS "
            "(Node) or its own CA option")


def _start_target(state: RunState, receivers) -> Target:
    s = state.settings
    if s.uses_emulator:
        from conformance.emulator import EmulatorApp, running_emulator

        media = None
        if receivers is not None:
            from conformance.emulator.player import LOOPBACK_HOSTS, MediaSettings

            # dtmf and mark on, so that a --media run meets every documented event (media-events)
            media = MediaSettings(ca_file=receivers.ca_file, verify_tls=receivers.ca_file is not None,
                                  allowed_hosts=LOOPBACK_HOSTS | {receivers.host}, dtmf=True, mark=True)
        return emulator_target(state.closer.enter_context(running_emulator(app=EmulatorApp(media=media))))
    return Target(s.base_url, s.project_id, s.api_token, s.account_sid, s.conference_sids,
                  s.ca_file or True, is_emulator=False)


def _preflight(state: RunState) -> None:
    """One valid create before the budget is spent: is the target there, and does it know us?"""
    from strategies import StreamRequest

    runner = state.runner
    case = runner.case_for(StreamRequest(fields=dict(MINIMAL_VALID)))
    exchange = runner.send(case, Expectation("valid", (), "preflight", "the preflight request"))
    if exchange.status == 401:
        _unusable(state, f"the credentials were rejected (401) by {state.target.base_url}: check the project id "
                         "and API token")
    if _not_in_progress(exchange):
        _unusable(state, f"conference {state.target.conference_sid} is not in progress (SignalWire error 21220, "
                         f"HTTP {exchange.status}): keep a call in it for the whole run (README, nightly recipe), or "
                         "pass a live conference with --conference-sid")
    if exchange.status == 404:
        _unusable(state, f"conference {state.target.conference_sid} was not found (404) at "
                         f"{state.target.base_url}: check --conference-sid and --account-sid")
    runner.judge(exchange)


def _announce_plan(state: RunState) -> None:
    """Before anything is sent: the plan's size, and the rules a budget cannot reach."""
    plan, budget = state.explorer.plan, state.settings.max_requests
    lines = plan.describe(budget)
    if state.settings.dry_run:
        lines += ["plan: the coverage set, in order (cumulative requests at most; rules offered):", *plan.listing()]
    for line in lines:
        try:
            print(line, flush=True)
        except BrokenPipeError:
            break
    state.results.coverage_set_size = plan.coverage_cost
    state.results.plan(plan.gates())
    _, unreachable = plan.reachable(budget)
    if unreachable:
        state.results.note(lines[-1].removeprefix("plan: ") if not state.settings.dry_run else
                           f"the budget cannot reach {len(unreachable)} rule(s)")


NOT_IN_PROGRESS = 21220
"""error-codes.mdx: "A stream cannot be started for a call or conference in the current state" (no status given)."""


def _not_in_progress(exchange) -> bool:
    """SignalWire's 21220, in whichever status and body shape it comes: `code` in the error schema, or the
    code or its documented sentence in a 422's `errors` strings."""
    body = exchange.json
    if not isinstance(body, dict) or exchange.status < 400:
        return False
    if body.get("code") in (NOT_IN_PROGRESS, str(NOT_IN_PROGRESS)):
        return True
    errors = body.get("errors")
    texts = [str(e.get("code", "")) + " " + str(e.get("message", "")) if isinstance(e, dict) else str(e)
             for e in (errors if isinstance(errors, list) else [])]
    return any(str(NOT_IN_PROGRESS) in t or "in the current state" in t for t in texts)


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


def _unusable(state: RunState, message: str) -> None:
    state.results.record_problem(message)
    pytest.exit(f"conformance: {message}", returncode=2)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "conformance_target_name" in metafunc.fixturenames:
        names = target_list(metafunc.config)
        if names:
            metafunc.parametrize("conformance_target_name", names, indirect=True, scope="session", ids=names)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook turns the marks into --dist loadgroup groups
def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    for item in items:  # one worker per target: its session state (and Name uniqueness probes) stay whole
        name = getattr(getattr(item, "callspec", None), "params", {}).get("conformance_target_name")
        if name is not None:
            item.add_marker(pytest.mark.xdist_group(name))


@pytest.fixture(scope="session")
def conformance_target_name(request: pytest.FixtureRequest) -> str | None:
    return getattr(request, "param", None)


@pytest.fixture(scope="session")
def conformance(request: pytest.FixtureRequest, conformance_target_name: str | None) -> Explorer:
    """The run: target started or reached, preflight passed; `explore(strategy)` sends examples."""
    state = _state(request.config, conformance_target_name)
    if state.explorer is None:
        receivers, cannot = None, None
        try:
            receivers = _start_receivers(state)
        except OSError as exc:  # the media host is not this machine's, a --media-port is taken, ...
            cannot = f"--media: the receivers could not start on {state.settings.media_host or '127.0.0.1'}: " \
                     f"{exc.strerror or exc}"
        state.target = _start_target(state, receivers)
        s = state.settings
        state.results = Results(secrets=state.target.secrets, basic_header=state.target.basic_header,
                                waivers=_waivers(s), media=s.media, allow_partial=s.allow_partial)
        governor = Governor(max_requests=s.max_requests, rate=s.rate)
        state.runner = Runner(state.target, state.results, seed=state.seed, governor=governor, dry_run=s.dry_run)
        state.explorer = Explorer(state.runner, max_examples=s.max_examples, seed_value=state.seed, media=s.media)
        state.explorer.receivers = receivers
        if cannot:
            _unusable(state, cannot)
        state.explorer.quick = s.quick
        state.results.dry_run = s.dry_run
        _announce_plan(state)
        if not s.dry_run:
            state.explorer.guarded(_preflight, state)
    yield state.explorer


def pytest_keyboard_interrupt(excinfo) -> None:
    # pytest.exit() arrives here too (its exception subclasses KeyboardInterrupt): only Ctrl-C counts
    if not isinstance(excinfo.value, pytest.exit.Exception):
        _interrupted[0] = True


_interrupted = [False]


def reset_interruption() -> None:
    """A new run in a process that has made one before (tests run the CLI in-process)."""
    _interrupted[0] = False


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for state in session.config.stash.get(STATES_KEY, {}).values():
        if state.results is not None:
            _finish(session, state)
    names = target_list(session.config)
    if names and not hasattr(session.config, "workerinput"):  # the controller, or a run without xdist
        from conformance.report.combined import combined_exit_code

        session.exitstatus = combined_exit_code(_report_root(session.config), names)


def _report_root(config: pytest.Config) -> str:
    return settings_for(_given(config)).report_dir


def _finish(session: pytest.Session, state: RunState) -> None:
    state.finished = time.time()
    state.interrupted = _interrupted[0]
    try:
        _finish_traffic(state)
    except BudgetExhausted:
        state.results.note("the request budget ran out during clean-up")
    state.closer.close()
    from conformance.report.writer import write_reports

    state.report_paths = write_reports(state)
    if state.results.problems:
        session.exitstatus = 2
    elif session.exitstatus == 0 and state.results.exit_code():  # a MUST rule NOT RUN: never a pass
        session.exitstatus = state.results.exit_code()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    names = target_list(config)
    if names:
        from conformance.report.combined import combined_table

        terminalreporter.section("conformance: targets")
        for line in combined_table(_report_root(config), names):
            terminalreporter.write_line(line)
        return
    state = config.stash.get(STATE_KEY, None)
    if state is None or state.results is None:
        return
    from conformance.report.summary import summary_lines

    terminalreporter.section("conformance")
    for line in summary_lines(state):
        terminalreporter.write_line(line)
