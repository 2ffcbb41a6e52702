"""Fixtures: an emulator on a free loopback port, a session for it, and the suite run in-process."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from conformance.emulator import running_emulator
from conformance.run.target import emulator_target


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto`: two workers a core. Half of a worker's time here is spent waiting (on audio that
    streams in real time, a Retry-After, a child process starting), and a second worker a core fills it:
    on 2 cores, 4 workers take 94 s where 2 take 125 s, and 6 no less than 4."""
    return 2 * (os.cpu_count() or 1)


@pytest.fixture(scope="session")
def emulator():
    with running_emulator() as running:
        yield running


@pytest.fixture(scope="session")
def target(emulator):
    return emulator_target(emulator)


@pytest.fixture()
def http(emulator):
    session = requests.Session()
    session.auth = emulator.auth
    return session


def suite_env(running, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}
    env.update({
        "SIGNALWIRE_PROJECT_ID": running.project_id,
        "SIGNALWIRE_API_TOKEN": running.api_token,
        "CONFORMANCE_CONFERENCE_SID": running.conference_sid,
    })
    env.update(extra)
    return env


def suite_env_full(running, **extra) -> dict:
    """`suite_env`, and what issue 19's probes need from a target given by address: every conference the
    emulator serves (name-per-conference), the life cycle switched on, and its token without Voice (token-scope)."""
    env = suite_env(running, CONFORMANCE_CONFERENCE_SID=",".join(running.conference_sids),
                    CONFORMANCE_LIFECYCLE="true")
    if running.scopeless_token:
        env["SIGNALWIRE_SCOPELESS_TOKEN"] = running.scopeless_token
    env.update(extra)
    return env


DEEP_FLAGS = ("--max-examples", "--max-requests", "--dry-run", "--media", "--no-quick")
"""A run given one of these flags asked for more than the coverage set: it is not made --quick."""


def run_suite(args: list[str], env: dict, report_dir: Path, timeout: int = 300, *, in_process: bool = True
              ) -> tuple[subprocess.CompletedProcess, dict | None]:
    """`conformance run ARGS`; its result and its results.json (if written).

    Quick by default (the coverage set: every rule exercised, a complete verdict), unless ARGS ask
    for depth (`DEEP_FLAGS`; `--no-quick` is only a marker here). In-process by default: the CLI's
    `main` with this environment and captured output, which saves an interpreter start-up and the
    suite's imports per run; `in_process=False` runs it in a child process (signals, real exits)."""
    argv = ["run", "--report-dir", str(report_dir)]
    if not any(a.split("=", 1)[0] in DEEP_FLAGS for a in args):
        argv.append("--quick")
    argv += [a for a in args if a != "--no-quick"]
    if in_process:
        proc = _in_process(argv, env)
    else:
        proc = subprocess.run([sys.executable, "-m", "conformance", *argv], capture_output=True, text=True,
                              env=env, timeout=timeout, stdin=subprocess.DEVNULL)
    path = report_dir / "results.json"
    return proc, (json.loads(path.read_text()) if path.exists() else None)


def _in_process(argv: list[str], env: dict) -> subprocess.CompletedProcess:
    from conformance.cli.main import main
    from conformance.run.governor import INTERRUPTED

    out, err = io.StringIO(), io.StringIO()
    saved_env = dict(os.environ)
    saved_signals = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    os.environ.clear()
    os.environ.update(env)
    INTERRUPTED.clear()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        for sig, handler in saved_signals.items():
            signal.signal(sig, handler)
    return subprocess.CompletedProcess(["conformance", *argv], code, out.getvalue(), err.getvalue())


def statuses(report: dict) -> dict[str, str]:
    return {r["id"]: r["status"] for r in report["requirements"]}


@pytest.fixture(scope="session")
def session_for(emulator):
    return requests.Session()


@pytest.fixture()
def short_settle(monkeypatch):
    """The media probe's settle cut for players that never send a callback, where the wait is all the
    time spent; a player that does send them ends the wait at once, loaded machine or not."""
    from conformance.run import media_probe

    monkeypatch.setattr(media_probe, "SETTLE_SECONDS", 4.0)


@pytest.fixture()
def short_media_waits(monkeypatch, short_settle):
    """Every wait of the media probe cut, for a target none of whose streams ever connects: every media
    rule fails whatever the waits, and the waits are all the time spent."""
    from conformance.run import media_probe

    monkeypatch.setattr(media_probe, "CONNECT_SECONDS", media_probe.LISTEN_SECONDS + 2)
    monkeypatch.setattr(media_probe, "DUPLICATE_ERROR_SECONDS", 2.0)
