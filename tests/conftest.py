"""Fixtures: an emulator on a free loopback port, a session for it, and the suite as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from conformance.emulator import running_emulator
from conformance.run.target import emulator_target


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


def run_suite(args: list[str], env: dict, report_dir: Path, timeout: int = 300
              ) -> tuple[subprocess.CompletedProcess, dict | None]:
    """`conformance run ARGS` in a child process; its result and its results.json (if written)."""
    proc = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--report-dir", str(report_dir), *args],
        capture_output=True, text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL,
    )
    path = report_dir / "results.json"
    return proc, (json.loads(path.read_text()) if path.exists() else None)


def statuses(report: dict) -> dict[str, str]:
    return {r["id"]: r["status"] for r in report["requirements"]}


@pytest.fixture(scope="session")
def session_for(emulator):
    return requests.Session()
