"""The suite tested both ways: it passes the emulator and fails each broken server, naming the rule."""

from __future__ import annotations

import json
import socket

import pytest

from conformance.emulator import running_emulator

from .broken_servers import BROKEN, CrashesOneRequestInN, CrashesOnL16Always
from .conftest import run_suite, statuses, suite_env, suite_env_full

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
    # every class of every dimension was sent, each of its kinds at least once (issue 18's coverage by dimension)
    from conformance.contract import dimensions

    classes = {c["id"]: c for d in report["coverage"]["dimensions"] for c in d["classes"]}
    assert set(classes) == set(dimensions.CLASSES)
    assert [i for i, c in classes.items() if not c["sent_all"]] == []
    html = (tmp_path / "report.html").read_text()
    assert all(f'data-class="{i}"' in html for i in classes) and 'class="gap"' not in html.split(
        'id="coverage-dimensions"')[1].split("</table>")[0]


def suite_env_without_target():
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}


@pytest.mark.parametrize(("app_class", "rule_id", "exit_code"), BROKEN, ids=[c.__name__ for c, _, _ in BROKEN])
def test_broken_server_is_caught(tmp_path, app_class, rule_id, exit_code):
    with running_emulator(app=app_class()) as server:
        proc, report = run_suite(["--base-url", server.base_url, *SMALL_BUDGET], suite_env_full(server), tmp_path)
    status = statuses(report)[rule_id]
    assert status == ("FAIL" if exit_code == 1 else "WARN"), (rule_id, status, proc.stdout[-2000:])
    assert proc.returncode == exit_code, proc.stdout[-2000:] + proc.stderr[-2000:]
    failed_line = next(line for line in proc.stdout.splitlines() if f" {rule_id} " in line)
    assert failed_line.strip().startswith("FAIL" if exit_code == 1 else "WARN")


@pytest.mark.parametrize(("app_class", "word"), [(CrashesOnL16Always, "deterministic"),
                                                 (CrashesOneRequestInN, "intermittent")])
def test_a_server_error_is_sent_again_and_the_report_says_whether_it_reproduced(tmp_path, app_class, word):
    """A 5xx other than 503 is re-sent once: a crash (deterministic) or a blip (intermittent), in the failure's got."""
    with running_emulator(app=app_class()) as server:
        proc, report = run_suite(["--base-url", server.base_url, *SMALL_BUDGET], suite_env_full(server), tmp_path)
    result = next(r for r in report["requirements"] if r["id"] == "no-server-error")
    assert result["status"] == "FAIL", proc.stdout[-2000:]
    assert result["examples"] and all(word in e["got"] for e in result["examples"]), result["examples"]
    other = {"deterministic": "intermittent", "intermittent": "deterministic"}[word]
    assert not any(other in e["got"] for e in result["examples"])


def test_without_a_second_conference_or_scopeless_token_those_rules_are_na_with_a_note(tmp_path):
    """Against a target given by address: name-per-conference and token-scope N/A (not NOT RUN), each with a
    note; the life-cycle rules SKIP without --lifecycle, and the run still passes."""
    with running_emulator() as server:
        proc, report = run_suite(["--base-url", server.base_url, *SMALL_BUDGET], suite_env(server), tmp_path)
    found = statuses(report)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert found["name-per-conference"] == found["token-scope"] == "N/A", found
    assert {found[r] for r in ("stop-by-sid", "stop-by-name", "stop-unknown-404", "stop-status-only-stopped")} \
        == {"SKIP"}
    notes = " ".join(report["notes"])
    assert "name-per-conference is N/A" in notes and "token-scope is N/A" in notes
    assert server.scopeless_token not in proc.stdout + json.dumps(report)


def test_a_second_conference_not_in_progress_makes_name_per_conference_na_not_a_failure(tmp_path):
    import uuid

    from conformance.emulator import EmulatorSettings

    live, idle = str(uuid.uuid4()), str(uuid.uuid4())
    with running_emulator(EmulatorSettings(conference_sids=(live,), idle_conference_sids=(idle,))) as server:
        env = suite_env(server, CONFORMANCE_CONFERENCE_SID=f"{live},{idle}")
        proc, report = run_suite(["--base-url", server.base_url, *SMALL_BUDGET], env, tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert statuses(report)["name-per-conference"] == "N/A"
    assert any(f"second conference {idle} was answered 400" in note for note in report["notes"]), report["notes"]


def test_the_life_cycle_runs_against_a_target_when_asked(tmp_path):
    with running_emulator() as server:
        proc, report = run_suite(["--base-url", server.base_url, "--lifecycle", *SMALL_BUDGET],
                                 suite_env_full(server, CONFORMANCE_LIFECYCLE=""), tmp_path)
    found = statuses(report)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert {found[r] for r in ("stop-by-sid", "stop-by-name", "stop-unknown-404", "stop-status-only-stopped",
                               "name-per-conference", "token-scope")} == {"PASS"}, found
    assert "name-after-stop" in {p["id"] for p in report["open_points"]}
    assert server.scopeless_token not in proc.stdout + json.dumps(report)


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
