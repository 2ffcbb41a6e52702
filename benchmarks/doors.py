"""The spine's cost, before and after: `conformance run` of this tree against another tree's (a
git worktree of an earlier commit), alternating, in one run on one machine.

Three commands each, timed from process start to exit:
1. `run --quick --max-requests 1 --allow-partial` (start-up, the plan and the preflight: what the door costs);
2. `run --quick` (a complete verdict against the embedded emulator);
3. `run` (the default depth).
Medians of `--repeat` runs, and each median's ratio to the other tree's.

    git worktree add /tmp/base <commit>
    python benchmarks/doors.py /tmp/base [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
COMMANDS = {"start-up (preflight only)": ["--quick", "--max-requests", "1", "--allow-partial"],
            "--quick": ["--quick"], "default": []}


def _time(tree: Path, args: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}
    env["PYTHONPATH"] = str(tree)
    with tempfile.TemporaryDirectory() as reports:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "conformance", "run", "--seed", "1", "--report-dir", reports,
                               *args], env=env, cwd=reports, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{tree}: exit {done.returncode}: {done.stderr[-500:] or done.stdout[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="the other tree (a worktree of an earlier commit)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    trees = {"base": args.base.resolve(), "this": HERE}
    print(f"base {trees['base']}, this {HERE}, {args.repeat} runs each, alternating; load {os.getloadavg()[0]:.2f}")
    for label, extra in COMMANDS.items():
        times: dict[str, list[float]] = {"base": [], "this": []}
        for _ in range(args.repeat):
            for name, tree in trees.items():
                times[name].append(_time(tree, extra))
        base, this = (statistics.median(times[n]) for n in ("base", "this"))
        print(f"{label:<30} base {base:6.2f} s   this {this:6.2f} s   this/base {this / base:5.2f}")


if __name__ == "__main__":
    main()
