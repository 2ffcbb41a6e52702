"""`conformance run` against plain `schemathesis run` on the published document, in one run.

Both hit the same in-process emulator; requests are counted at the server, and each command is
timed from process start to exit (start-up included). Also times the default `conformance run`
(no arguments: it starts its own embedded emulator) and counts the rules it covered.

    python benchmarks/suite_vs_schemathesis.py [--max-examples N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conformance.contract import document as contract
from conformance.emulator.server import running_emulator

BIN = Path(sys.executable).parent


def _timed(command: list[str], env: dict, cwd: str) -> tuple[float, int]:
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25, help="the suite's per-test budget")
    args = parser.parse_args()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}
    with tempfile.TemporaryDirectory() as tmp, running_emulator() as emulator:
        spec = Path(tmp) / "spec.yaml"
        spec.write_bytes(contract.spec_bytes())
        env = {**base_env, "SIGNALWIRE_PROJECT_ID": emulator.project_id, "SIGNALWIRE_API_TOKEN": emulator.api_token,
               "CONFORMANCE_CONFERENCE_SID": emulator.conference_sid}

        before = emulator.app.requests_seen
        suite_s, suite_rc = _timed([str(BIN / "conformance"), "run", "--quiet", "--base-url", emulator.base_url,
                                    "--max-examples", str(args.max_examples), "--report-dir", tmp], env, tmp)
        suite_requests = emulator.app.requests_seen - before

        # Plain Schemathesis sends one operation's examples; give it the budget that matches the count.
        st_examples = suite_requests
        before = emulator.app.requests_seen
        st_s, st_rc = _timed([str(BIN / "schemathesis"), "run", str(spec), "--url", emulator.base_url,
                              "--auth", f"{emulator.project_id}:{emulator.api_token}",
                              "--max-examples", str(st_examples), "--continue-on-failure", "--no-color",
                              "--report-dir", tmp], base_env, tmp)
        st_requests = emulator.app.requests_seen - before

    with tempfile.TemporaryDirectory() as tmp:
        default_s, default_rc = _timed([str(BIN / "conformance"), "run", "--quiet", "--report-dir", tmp], base_env, tmp)
        report = json.loads((Path(tmp) / "results.json").read_text())
    covered = sum(r["status"] != "SKIP" for r in report["requirements"])

    suite_rps, st_rps = suite_requests / suite_s, st_requests / st_s
    print(f"cores: {os.cpu_count()}")
    print(f"conformance run:    {suite_requests:5d} requests in {suite_s:5.1f}s = {suite_rps:6.1f} req/s "
          f"(exit {suite_rc}, --max-examples {args.max_examples})")
    print(f"schemathesis run:   {st_requests:5d} requests in {st_s:5.1f}s = {st_rps:6.1f} req/s "
          f"(exit {st_rc}, --max-examples {st_examples})")
    print(f"ratio suite/schemathesis (req/s): {suite_rps / st_rps:.2f}")
    print(f"default `conformance run` (embedded emulator, start-up included): {default_s:.1f}s, exit {default_rc}, "
          f"{covered}/{len(report['requirements'])} rules exercised, {report['requests']} requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
