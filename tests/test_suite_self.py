"""The suite tested both ways: it passes the emulator and fails each broken server, naming the rule."""

from __future__ import annotations

import socket

import pytest

from conformance.emulator import running_emulator

from .broken_servers import BROKEN
from .conftest import run_suite, statuses, suite_env

SMALL_BUDGET = ["--seed", "1"]  # run_suite makes it --quick: the coverage set


def test_default_run_against_embedded_emulator_passes(tmp_path):
    proc, report = run_suite(["--no-quick"], suite_env_without_target(), tmp_path)  # the real default run
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "CONFORMANT: every MUST requirement held" in proc.stdout
    assert report["target"]["embedded_emulator"] is True
    from conformance.contract.rules import MEDIA_RULE_IDS

    media = set(MEDIA_RULE_IDS)
    assert {s for r, s in statuses(report).items() if r not in media} == {"PASS"}, statuses(report)
    assert {s for r, s in statuses(report).items() if r in media} == {"SKIP"}  # media needs --media


def suite_env_without_target():
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}


@pytest.mark.parametrize(("app_class", "rule_id", "exit_code"), BROKEN, ids=[c.__name__ for c, _, _ in BROKEN])
def test_broken_server_is_caught(tmp_path, app_class, rule_id, exit_code):
    with running_emulator(app=app_class()) as server:
        proc, report = run_suite(["--base-url", server.base_url, *SMALL_BUDGET], suite_env(server), tmp_path)
    status = statuses(report)[rule_id]
    assert status == ("FAIL" if exit_code == 1 else "WARN"), (rule_id, status, proc.stdout[-2000:])
    assert proc.returncode == exit_code, proc.stdout[-2000:] + proc.stderr[-2000:]
    failed_line = next(line for line in proc.stdout.splitlines() if f" {rule_id} " in line)
    assert failed_line.strip().startswith("FAIL" if exit_code == 1 else "WARN")


def test_closed_port_exits_2_with_one_line(tmp_path):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with running_emulator() as server:
        env = suite_env(server)
    proc, report = run_suite(["--base-url", f"http://127.0.0.1:{port}/api/laml/2010-04-01"], env, tmp_path)
    assert proc.returncode == 2
    assert "did not answer" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert report is not None and report["exit_code"] == 2


def test_rejected_credentials_exit_2(tmp_path):
    with running_emulator() as server:
        env = suite_env(server, SIGNALWIRE_API_TOKEN="PTnot-the-token")
        proc, _ = run_suite(["--base-url", server.base_url], env, tmp_path)
    assert proc.returncode == 2
    assert "credentials were rejected" in proc.stdout + proc.stderr
    assert "PTnot-the-token" not in proc.stdout + proc.stderr
