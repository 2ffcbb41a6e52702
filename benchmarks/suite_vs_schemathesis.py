"""The suite's speed, as ratios measured in one run on one machine.

1. requests/s of `conformance run` against plain `schemathesis run` on the published document,
   same in-process emulator, each command timed from process start to exit (start-up included),
   requests counted at the server;
2. time to a complete verdict (every REST MUST rule exercised, exit 0) against the embedded
   emulator, start-up included, with `conformance run --quick` (the coverage set only);
3. the suite's requests/s as a fraction of a bare `requests.Session` loop of valid creates
   against the same emulator (the loop in its own process, like the suite);
4. the default `conformance run` (its own embedded emulator): time, requests, rules exercised.

Wall times on a shared machine move with its load, so each command's CPU time (user + system,
its own process only) is printed beside it; ratios of CPU time per request are the steadier figure.

    python benchmarks/suite_vs_schemathesis.py [--max-examples N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conformance.contract import document as contract
from conformance.emulator.server import running_emulator

BIN = Path(sys.executable).parent
BARE_LOOP = r"""
import sys, time, requests
base, user, token, conference, count = sys.argv[1:6]
session = requests.Session()
session.auth = (user, token)
url = f"{base}/Accounts/{user}/Conferences/{conference}/Streams"
started = time.perf_counter()
for i in range(int(count)):
    r = session.post(url, data={"Url": "wss://media.example.com/stream", "Name": f"bare-{i}"})
    assert r.status_code == 200, r.status_code
print(int(count) / (time.perf_counter() - started))
"""


def _timed(command: list[str], env: dict, cwd: str) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (user + system of the child), exit status, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode, proc.stdout


def _suite_env(base_env: dict, emulator) -> dict:
    return {**base_env, "SIGNALWIRE_PROJECT_ID": emulator.project_id, "SIGNALWIRE_API_TOKEN": emulator.api_token,
            "CONFORMANCE_CONFERENCE_SID": emulator.conference_sid}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25, help="the suite's per-rule budget")
    parser.add_argument("--repeat", type=int, default=3, help="runs of --quick to take the median of")
    args = parser.parse_args()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp, running_emulator() as emulator:
        spec = Path(tmp) / "spec.yaml"
        spec.write_bytes(contract.spec_bytes())
        env = _suite_env(base_env, emulator)

        before = emulator.app.requests_seen
        suite_s, suite_cpu, suite_rc, _ = _timed(
            [str(BIN / "conformance"), "run", "--quiet", "--base-url", emulator.base_url,
             "--max-examples", str(args.max_examples), "--report-dir", tmp], env, tmp)
        suite_requests = emulator.app.requests_seen - before
        suite_run_s = json.loads((Path(tmp) / "results.json").read_text())["duration_s"]

        st_examples = suite_requests  # plain Schemathesis: one operation, the same number of examples
        before = emulator.app.requests_seen
        st_s, st_cpu, st_rc, _ = _timed(
            [str(BIN / "schemathesis"), "run", str(spec), "--url", emulator.base_url,
             "--auth", f"{emulator.project_id}:{emulator.api_token}", "--max-examples", str(st_examples),
             "--continue-on-failure", "--no-color", "--report-dir", tmp], base_env, tmp)
        st_requests = emulator.app.requests_seen - before

        bare_count = 1000
        _, _, bare_rc, bare_out = _timed(
            [sys.executable, "-c", BARE_LOOP, emulator.base_url, emulator.project_id, emulator.api_token,
             emulator.conference_sid, str(bare_count)], base_env, tmp)
        bare_rps = float(bare_out.strip() or "nan") if bare_rc == 0 else float("nan")

    quick = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            wall, cpu, rc, _ = _timed([str(BIN / "conformance"), "run", "--quick", "--quiet", "--report-dir", tmp],
                                      base_env, tmp)
            report = json.loads((Path(tmp) / "results.json").read_text())
            complete = report["must_rules"]["exercised"] == report["must_rules"]["expected"]
            quick.append((wall, cpu, rc, complete, report["requests"]))

    with tempfile.TemporaryDirectory() as tmp:
        default_s, default_cpu, default_rc, _ = _timed(
            [str(BIN / "conformance"), "run", "--quiet", "--report-dir", tmp], base_env, tmp)
        report = json.loads((Path(tmp) / "results.json").read_text())
    exercised = sum(r["status"] not in ("SKIP", "NOT RUN", "PARTIAL") for r in report["requirements"])

    suite_rps, st_rps = suite_requests / suite_s, st_requests / st_s
    print(f"conformance run:    {suite_requests:5d} requests in {suite_s:5.1f}s = {suite_rps:6.1f} req/s, "
          f"CPU {suite_cpu:4.1f}s = {1000 * suite_cpu / suite_requests:.2f} ms/request "
          f"(exit {suite_rc}, --max-examples {args.max_examples})")
    print(f"schemathesis run:   {st_requests:5d} requests in {st_s:5.1f}s = {st_rps:6.1f} req/s, "
          f"CPU {st_cpu:4.1f}s = {1000 * st_cpu / st_requests:.2f} ms/request (exit {st_rc}, --max-examples "
          f"{st_examples})")
    print(f"ratio suite/schemathesis, req/s with start-up: {suite_rps / st_rps:.2f}  "
          f"(CPU per request, schemathesis/suite: {(st_cpu / st_requests) / (suite_cpu / suite_requests):.2f})")
    print(f"bare requests.Session loop of valid creates: {bare_rps:6.1f} req/s; the suite reaches "
          f"{suite_rps / bare_rps:.2f} of it with start-up, {suite_requests / suite_run_s / bare_rps:.2f} "
          f"without ({suite_requests / suite_run_s:.0f} req/s over its run of {suite_run_s:.1f}s)")
    walls = sorted(q[0] for q in quick)
    print(f"time to a complete verdict (`conformance run --quick`, embedded emulator, start-up included): "
          f"median {statistics.median(walls):.2f}s of {len(quick)} (min {walls[0]:.2f}s), CPU "
          f"{statistics.median(q[1] for q in quick):.2f}s, {quick[0][4]} requests, exits {[q[2] for q in quick]}, "
          f"every REST MUST rule exercised: {all(q[3] for q in quick)}")
    print(f"default `conformance run` (embedded emulator, start-up included): {default_s:.1f}s, CPU "
          f"{default_cpu:.1f}s, exit {default_rc}, {exercised}/{len(report['requirements'])} rules exercised, "
          f"{report['requests']} requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
