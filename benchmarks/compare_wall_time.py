"""Wall time of `conformance compare` against two embedded emulators (one switched), --quick and default
depth: prints figures, asserts nothing (README: no timed assertions in tests).

    python benchmarks/compare_wall_time.py [--runs 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time

SIDES = ["emulator", "emulator:reject_query_urls,wrong_status_for_missing_url=200"]


def once(extra: list[str]) -> float:
    with tempfile.TemporaryDirectory() as reports:
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "conformance", "compare", *SIDES, "--seed", "1", "--quiet",
                        "--report-dir", reports, *extra], capture_output=True, check=False)
        return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    for name, extra in (("--quick", ["--quick"]), ("default depth", [])):
        times = [once(extra) for _ in range(runs)]
        print(f"{name:<14} {min(times):6.1f} s to {max(times):6.1f} s over {runs} run(s)")


if __name__ == "__main__":
    main()
