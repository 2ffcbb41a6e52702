"""Several targets in one run, in parallel on pytest-xdist workers: a report folder each, one table."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conformance.contract.rules import LIFECYCLE_RULE_IDS, MEDIA_RULE_IDS
from conformance.emulator import running_emulator

from .broken_servers import AcceptsWs

CONFIG = """
max_examples = 3
quick = true
seed = 11
[targets.good]
base_url = "{a.base_url}"
project_id = "{a.project_id}"
api_token = "${{GOOD_TOKEN}}"
conference_sid = "{a.conference_sid}"
[targets.bad]
base_url = "{b.base_url}"
project_id = "{b.project_id}"
api_token = "${{BAD_TOKEN}}"
conference_sid = "{b.conference_sid}"
"""


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}
    return {**env, **extra}


def test_targets_run_in_parallel_with_a_report_each(tmp_path):
    with running_emulator() as good, running_emulator(app=AcceptsWs()) as bad:
        (tmp_path / "conformance.toml").write_text(CONFIG.format(a=good, b=bad))
        proc = subprocess.run([sys.executable, "-m", "conformance", "run", "--targets", "all", "-n", "2", "--quiet"],
                              cwd=tmp_path, env=_env(GOOD_TOKEN=good.api_token, BAD_TOKEN=bad.api_token),
                              capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    table = proc.stdout[proc.stdout.index("target  exit"):]
    assert "bad      1" in table and "good     0" in table
    for name, failing in (("good", set()), ("bad", {"url-scheme-wss"})):
        report = json.loads((tmp_path / "reports" / name / "results.json").read_text())
        statuses = {r["id"]: r["status"] for r in report["requirements"]}
        assert {r for r, s in statuses.items() if s == "FAIL"} == failing
        # one worker ran all of a target's cases: its report is whole, every REST rule exercised
        skipped = {r for r, s in statuses.items() if s == "SKIP"}
        # media without --media, the stops without --lifecycle (off against a target given by address)
        assert skipped == set(MEDIA_RULE_IDS) | set(LIFECYCLE_RULE_IDS), skipped
    assert good.api_token not in proc.stdout + proc.stderr


def test_unknown_target_and_workers_without_targets_are_usage_errors(tmp_path):
    (tmp_path / "conformance.toml").write_text("[targets.a]\nspace = 'acme'\n")
    proc = subprocess.run([sys.executable, "-m", "conformance", "run", "--targets", "b"], cwd=tmp_path,
                          env=_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "not in the config file: b" in proc.stderr and proc.stderr.count("\n") == 1
    proc = subprocess.run([sys.executable, "-m", "conformance", "run", "-n", "2"], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "goes with --targets" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "conformance", "run", "--targets", "a"], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "needs --project-id" in proc.stderr
