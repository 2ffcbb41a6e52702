"""No loss of detection: the default run (not --quick) against every broken server in the tests.

Prints, per broken server, whether the default `conformance run` named its rule with the
expected status and exit code, and how long it took; `--quick` compares the quickest mode.
`--allowed` does the other direction at the default depth: every allowed variant must pass (exit 0,
no FAIL, WARN exactly on its SHOULD deviations), as the tests check in the quick mode.
Runs in-process through the tests' `run_suite` helper.

    python benchmarks/detection.py [--quick] [--allowed]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conformance.emulator import running_emulator  # noqa: E402
from tests.allowed_variants import ALLOWED  # noqa: E402
from tests.broken_servers import BROKEN  # noqa: E402
from tests.conftest import run_suite, statuses, suite_env  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the coverage set only, instead of the default run")
    parser.add_argument("--allowed", action="store_true", help="the allowed variants, which must pass")
    args = parser.parse_args()
    flags = ["--seed", "1"] + ([] if args.quick else ["--no-quick"])
    if args.allowed:
        return _allowed(flags, "--quick" if args.quick else "default run")
    missed, started = [], time.perf_counter()
    for app_class, rule_id, exit_code in BROKEN:
        with tempfile.TemporaryDirectory() as tmp, running_emulator(app=app_class()) as server:
            begun = time.perf_counter()
            proc, report = run_suite(["--base-url", server.base_url, *flags], suite_env(server), Path(tmp))
        status = statuses(report).get(rule_id) if report else None
        caught = status == ("FAIL" if exit_code == 1 else "WARN") and proc.returncode == exit_code
        if not caught:
            missed.append(app_class.__name__)
        print(f"{'caught' if caught else 'MISSED':<7} {app_class.__name__:<28} {rule_id:<26} {status}, "
              f"exit {proc.returncode}, {time.perf_counter() - begun:.1f}s", flush=True)
    mode = "--quick" if args.quick else "default run"
    print(f"{mode}: {len(BROKEN) - len(missed)}/{len(BROKEN)} broken servers caught in "
          f"{time.perf_counter() - started:.0f}s" + (f"; missed: {', '.join(missed)}" if missed else ""))
    return 1 if missed else 0


def _allowed(flags: list[str], mode: str) -> int:
    wrong, started = [], time.perf_counter()
    for app_class, warned in ALLOWED:
        with tempfile.TemporaryDirectory() as tmp, running_emulator(app=app_class()) as server:
            begun = time.perf_counter()
            proc, report = run_suite(["--base-url", server.base_url, *flags], suite_env(server), Path(tmp))
        found = statuses(report) if report else {}
        failed = sorted(r for r, s in found.items() if s == "FAIL")
        warns = {r for r, s in found.items() if s == "WARN"}
        ok = proc.returncode == 0 and not failed and warns == set(warned)
        if not ok:
            wrong.append(app_class.__name__)
        print(f"{'passed' if ok else 'WRONG':<7} {app_class.__name__:<32} exit {proc.returncode}, "
              f"FAIL {', '.join(failed) or '-'}, WARN {', '.join(sorted(warns)) or '-'}, "
              f"{time.perf_counter() - begun:.1f}s", flush=True)
    print(f"{mode}: {len(ALLOWED) - len(wrong)}/{len(ALLOWED)} allowed variants passed in "
          f"{time.perf_counter() - started:.0f}s" + (f"; wrong: {', '.join(wrong)}" if wrong else ""))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
