"""The run's spine (`conformance.run.lifecycle.Run`): one object begins, proceeds and ends a run, and
both doors (`conformance run` and the pytest plugin) drive it to the same results."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import FrozenInstanceError

import pytest

from conformance.cli.embedded import start_embedded
from conformance.records.kinds import ExitStatus, Status
from conformance.records.settings import RunSettings
from conformance.report.verdict import exit_status
from conformance.run.lifecycle import Phase, Run, RunNotMade

from .conftest import run_suite

TIMINGS = {"started", "finished", "duration_s"}


def _comparable(report: dict) -> dict:
    """What two runs of one plan on one seed must share: all but timings, the emulator's port and the sids
    its streams were given (each emulator makes its own)."""
    out = {k: v for k, v in report.items() if k not in TIMINGS | {"target", "ledger"}}
    out["ledger_size"] = len(report["ledger"])
    return out


def test_the_two_doors_write_the_same_results(tmp_path, monkeypatch):
    cli, cli_report = run_suite(["--seed", "7"], {}, tmp_path / "cli")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    door = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--pyargs",
                           "conformance.cases", "--conformance-quick", "--conformance-seed", "7",
                           f"--conformance-report-dir={tmp_path / 'pytest'}"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert cli.returncode == 0 and door.returncode == 0, (cli.stdout[-2000:], door.stdout[-2000:])
    pytest_report = json.loads((tmp_path / "pytest" / "results.json").read_text())
    assert _comparable(pytest_report) == _comparable(cli_report)
    assert cli_report["requests"] > 50 and cli_report["exit_code"] == 0


def test_a_run_begins_proceeds_and_ends(tmp_path):
    run = Run(RunSettings(report_dir=str(tmp_path), quick=True, seed=3), start_emulator=start_embedded)
    assert run.phases() == (Phase.COVERAGE,)
    run.preflight()
    failures = run.execute(Phase.COVERAGE)
    record = run.finish()
    assert failures == [] and exit_status(record) is ExitStatus.OK
    assert record.seed == 3 and record.traffic.sent >= record.results.requests > 50  # stops are sent, not judged
    assert record.finished >= record.started and record.embedded_emulator
    assert run.finish() is record  # ends once
    with pytest.raises(FrozenInstanceError):
        record.interrupted = True  # type: ignore[misc]


def test_a_run_draws_its_seed_once_and_keeps_it(tmp_path):
    run = Run(RunSettings(report_dir=str(tmp_path), quick=True, dry_run=True), start_emulator=start_embedded)
    assert isinstance(run.settings.seed, int)
    assert run.finish().seed == run.settings.seed


def test_a_target_that_is_gone_is_a_run_not_made(tmp_path):
    settings = RunSettings(base_url="http://127.0.0.1:9/api/laml/2010-04-01", project_id="p", api_token="t",
                           account_sid="a", conference_sids=("c",), report_dir=str(tmp_path), quick=True, seed=1)
    run = Run(settings)
    with pytest.raises(RunNotMade, match="did not answer"):
        run.preflight()
    record = run.finish()
    assert exit_status(record) is ExitStatus.NOT_MADE and record.results.problems


def test_the_budget_ends_the_phases_quietly(tmp_path):
    run = Run(RunSettings(report_dir=str(tmp_path), max_requests=10, seed=1), start_emulator=start_embedded)
    run.preflight()
    run.execute(Phase.COVERAGE)
    assert run.execute(Phase.DEPTH) == []  # nothing more is sent once the budget is spent
    record = run.finish()
    assert record.traffic.sent == 10 and record.results.budget_spent
    assert exit_status(record) is ExitStatus.INCOMPLETE
    statuses = {r.status for r in record.results.by_rule.values()}
    assert Status.NOT_RUN in statuses or Status.PARTIAL in statuses


def test_a_dry_run_sends_nothing_and_judges_nothing(tmp_path, capsys):
    run = Run(RunSettings(report_dir=str(tmp_path), quick=True, dry_run=True, seed=5),
              start_emulator=start_embedded)
    run.preflight()
    run.execute(Phase.COVERAGE)
    record = run.finish()
    printed = capsys.readouterr().out.splitlines()
    assert record.results.requests == 0 and not any(r.passed or r.failed for r in record.results.by_rule.values())
    assert len(printed) == record.traffic.sent > 50  # one line a request, printed by the sender
    assert all(line.startswith("POST http://127.0.0.1:") for line in printed)
    assert exit_status(record) is ExitStatus.OK
