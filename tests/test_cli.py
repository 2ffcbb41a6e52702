"""Bad input at every door: one clear line and exit 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conformance.cli.main import main
from conformance.cli.options import TARGET_OPTIONS, UsageError, resolve, run_settings


@pytest.mark.parametrize(("argv", "message"), [
    (["run", "--max-examples", "0"], "--max-examples must be at least 1"),
    (["run", "--max-examples", "lots"], "--max-examples must be a whole number"),
    (["run", "--seed", "-1"], "--seed must not be negative"),
    (["run", "--base-url", "ftp://x"], "--base-url must be an http(s) URL"),
    (["run", "--base-url", "https://x.example.com/api/laml/2010-04-01"], "needs --project-id"),
    (["run", "--space", "a b"], "--space must be a host name"),
    (["run", "--conference-sid", "nope"], "--conference-sid must be a UUID"),
    (["run", "--ca-file", "/no/such/file"], "--ca-file: no file"),
    (["run", "--bogus"], "unrecognized arguments: --bogus"),
    (["emulate", "--port", "70000"], "--port must be between 0 and 65535"),
    (["emulate", "--project-id", "a:b"], "must not contain ':'"),
    ([], "the following arguments are required"),
])
def test_bad_flags(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_environment_names_the_variable(monkeypatch):
    monkeypatch.setenv("CONFORMANCE_MAX_EXAMPLES", "many")
    with pytest.raises(UsageError, match="CONFORMANCE_MAX_EXAMPLES must be a whole number"):
        resolve(TARGET_OPTIONS, {})


def test_space_is_the_short_form_of_base_url():
    values = resolve(TARGET_OPTIONS, {"space": "acme", "project_id": "p", "api_token": "t",
                                      "conference_sid": ["6e8bc430-9c3a-41d9-9669-0800200c9a66"]}, environ={})
    assert run_settings(values).base_url == "https://acme.signalwire.com/api/laml/2010-04-01"
    with pytest.raises(UsageError, match="not both"):
        run_settings({**values, "base_url": "https://x.example.com"})


def test_account_sid_defaults_to_project_id_and_env_lists_conferences():
    env = {"SIGNALWIRE_PROJECT_ID": "6e8bc430-9c3a-41d9-9669-0800200c9a66", "SIGNALWIRE_API_TOKEN": "PT1",
           "CONFORMANCE_BASE_URL": "http://127.0.0.1:1/api", "CONFORMANCE_CONFERENCE_SID":
           "0b6d6a7e-3f2b-4b8e-9d1e-2a4f5c6b7d8e, 1b6d6a7e-3f2b-4b8e-9d1e-2a4f5c6b7d8e"}
    settings = run_settings(resolve(TARGET_OPTIONS, {}, environ=env))
    assert settings.account_sid == env["SIGNALWIRE_PROJECT_ID"]
    assert len(settings.conference_sids) == 2
    assert "PT1" not in repr(settings)


def test_emulate_on_a_taken_port_is_one_line(tmp_path):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    try:
        proc = subprocess.run([sys.executable, "-m", "conformance", "emulate", "--port", str(port)],
                              capture_output=True, text=True, timeout=30)
    finally:
        sock.close()
    assert proc.returncode == 2
    assert "cannot listen on" in proc.stderr and "Traceback" not in proc.stderr


def test_pytest_pyargs_runs_the_same_cases(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--pyargs", "conformance.cases", "-p", "no:cacheprovider", "-q",
         "--conformance-max-examples", "3", "--conformance-seed", "7", "--conformance-report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "4 passed" in proc.stdout  # the coverage set, the depth rounds, Schemathesis coverage and fuzzing
    assert "CONFORMANT: every MUST requirement held" in proc.stdout
    assert (tmp_path / "results.json").exists()


def test_run_help_documents_the_exit_statuses():
    from conformance.cli.main import build_parser

    text = build_parser()._subparsers._group_actions[0].choices["run"].format_help()
    assert "exit status:" in text and "\n  3    incomplete" in text and "--allow-partial" in text and "--quick" in text
