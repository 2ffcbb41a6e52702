"""The pytest plugin: fixtures and hooks over the same `Run` that `conformance run` drives.

Registered through the `pytest11` entry point, so a user's CI runs the packaged cases with
`pytest --pyargs conformance.cases --conformance-base-url ...`. Each case is one phase of the plan;
the run begins at the first case's fixture and ends at the session's end, when its reports are
written and its exit status becomes pytest's.
"""

from __future__ import annotations

import dataclasses
import os

import pytest

from conformance.records.kinds import ExitStatus
from conformance.report.verdict import exit_status
from conformance.run.governor import INTERRUPTED
from conformance.run.lifecycle import Phase, Run, RunNotMade

from .config import settings_for, targets_from
from .embedded import start_embedded
from .options import CONFIG_OPTIONS, TARGET_OPTIONS, UsageError, add_options
from .waivers import load_for

RUNS_KEY = pytest.StashKey[dict]()
"""Every target's run in this process, by target name (None: the single target)."""
FINISHED_KEY = pytest.StashKey[dict]()
"""Every finished run's record and written reports, by target name."""
TARGETS_KEY = pytest.StashKey[list]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "SignalWire Create a Conference Stream conformance")
    group.addoption("--conformance-targets", dest="conformance_targets", default=None, metavar="all|A,B",
                    help="run several config-file targets (with -n, in parallel on xdist workers)")
    group.addoption("--conformance-compare", dest="conformance_compare", default=None, metavar="A,B",
                    help="with --pyargs conformance.cases.compare: run the plan against two sides and compare")
    group.addoption("--conformance-reference", dest="conformance_reference", default=None, choices=("A", "B"),
                    help="with --conformance-compare: the side taken as right (default: A)")
    add_options(group.addoption, TARGET_OPTIONS + CONFIG_OPTIONS, flag_prefix="--conformance-",
                dest_prefix="conformance_")


def _given(config: pytest.Config) -> dict:
    return {o.name: config.getoption(f"conformance_{o.name}") for o in TARGET_OPTIONS + CONFIG_OPTIONS}


def target_list(config: pytest.Config) -> list[str]:
    """The targets of a several-target run (`--conformance-targets all` or a comma list); [] otherwise.

    Read once per process: it is asked by every test function's parametrization and by the hooks."""
    if TARGETS_KEY not in config.stash:
        raw = config.getoption("conformance_targets", None)
        try:
            config.stash[TARGETS_KEY] = targets_from(_given(config), raw) if raw else []
        except UsageError as exc:
            raise pytest.UsageError(f"conformance: error: {exc}") from None
    return config.stash[TARGETS_KEY]


def _run(config: pytest.Config, target: str | None) -> Run:
    runs = config.stash.setdefault(RUNS_KEY, {})
    if target not in runs:
        try:
            settings = settings_for(_given(config), target=target)
            if target is not None:  # one report folder per target
                settings = dataclasses.replace(settings, report_dir=os.path.join(settings.report_dir, target))
            runs[target] = Run(settings, waivers=load_for(settings), start_emulator=start_embedded)
        except UsageError as exc:
            pytest.exit(f"conformance: error: {exc}", returncode=ExitStatus.NOT_MADE)
        try:
            runs[target].preflight()
        except RunNotMade as exc:
            pytest.exit(f"conformance: {exc}", returncode=ExitStatus.NOT_MADE)
    return runs[target]


class Cases:
    """What a packaged case sees: the run's phases, each failing the case on a MUST rule that failed."""

    def __init__(self, run: Run) -> None:
        self._run = run

    @property
    def quick(self) -> bool:
        return self._run.settings.quick

    def phase(self, phase: Phase) -> None:
        if phase not in self._run.phases():
            pytest.skip("--quick: the coverage set only")
        try:
            failed = self._run.must_failures(self._run.execute(phase))
        except RunNotMade as exc:
            pytest.exit(f"conformance: {exc}", returncode=ExitStatus.NOT_MADE)
        if failed:
            lines = [f"{rule_id}: expected {f.expected}; got {f.got}" for rule_id, f in failed.items()]
            pytest.fail("MUST rules failed:\n" + "\n".join(lines), pytrace=False)


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
def conformance(request: pytest.FixtureRequest, conformance_target_name: str | None) -> Cases:
    """The run: target started or reached, preflight passed; `phase(Phase.X)` carries out one phase."""
    return Cases(_run(request.config, conformance_target_name))


def pytest_keyboard_interrupt(excinfo) -> None:
    # pytest.exit() arrives here too (its exception subclasses KeyboardInterrupt): only Ctrl-C counts
    if not isinstance(excinfo.value, pytest.exit.Exception):
        INTERRUPTED.set()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from conformance.report.writer import write_reports

    finished = session.config.stash.setdefault(FINISHED_KEY, {})
    for name, run in session.config.stash.get(RUNS_KEY, {}).items():
        record = run.finish()
        finished[name] = (record, write_reports(record))
        status = exit_status(record)
        if status is ExitStatus.NOT_MADE or (session.exitstatus == 0 and status is not ExitStatus.INTERRUPTED):
            session.exitstatus = status  # a MUST rule NOT RUN: never a pass
    names = target_list(session.config)
    if names and not hasattr(session.config, "workerinput"):  # the controller, or a run without xdist
        from conformance.report.combined import combined_exit_code

        session.exitstatus = combined_exit_code(settings_for(_given(session.config)).report_dir, names)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    names = target_list(config)
    if names:
        from conformance.report.combined import combined_table

        terminalreporter.section("conformance: targets")
        for line in combined_table(settings_for(_given(config)).report_dir, names):
            terminalreporter.write_line(line)
        return
    finished = config.stash.get(FINISHED_KEY, {}).get(None)
    if finished is None:
        return
    from conformance.report.summary import summary_lines

    terminalreporter.section("conformance")
    for line in summary_lines(*finished):
        terminalreporter.write_line(line)
