"""Mutation score of the suite: how many mutants of the emulator's validation and response code it kills.

Each mutant is one small change to the emulator (`mutation_ops.py` lists the operators), served by
`conformance emulate` from a temporary copy of the `conformance` package that comes first on
PYTHONPATH, on a free loopback port; the unmutated suite then runs against it. A mutant is
*killed* when the run reports any requirement FAIL or WARN (a SHOULD deviation noticed counts),
could not be made (exit 2: credentials or conference refused) or left a rule NOT RUN (exit 3),
when it times out, or when the mutated emulator does not start. Mutants listed in
`mutation_equivalents.toml`, each with the reason no conforming-server test could tell it from the
original, are *equivalent* and not run.

    python benchmarks/mutation_score.py [--files app.py,bodies.py] [--limit N] [--jobs 2] [--seed 1]
                                        [--match TEXT] [--list] [--json PATH] [--check-equivalents]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from queue import Queue

from mutation_ops import Mutant, mutants, mutated_source

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EQUIVALENTS = Path(__file__).with_name("mutation_equivalents.toml")

# The emulator's validation and response code, and what in those files is out of scope, with why.
SCOPE: dict[str, frozenset[str]] = {
    "conformance/emulator/validation.py": frozenset({
        "custom_parameters", "boolean",  # read by the media player only (a --media concern)
    }),
    "conformance/emulator/app.py": frozenset({
        "EmulatorApp.__init__", "_Clock.__init__",  # wiring and a cache's sentinel
        "EmulatorApp._lifespan", "EmulatorApp.start_media",  # server plumbing, media
        "EmulatorApp.update",  # the stop endpoint: not the operation under test (--cleanup only)
    }),
    "conformance/emulator/bodies.py": frozenset({
        "_shown",  # formats a key for a message
    }),
    "conformance/emulator/store.py": frozenset({  # only create(): the status and the Name uniqueness
        "StreamStore.__init__", "StreamStore.get", "StreamStore.stop", "StreamStore.__len__",
    }),
}
SUITE_ARGS = ["--quick"]
"""The fastest run that still exercises every REST rule: the planner's coverage set, each rule offered once."""


@dataclass
class Result:
    mutant: Mutant
    status: str  # killed | survived | equivalent
    how: str = ""  # what killed it: fail, warn, exit-2, exit-3, timeout, no-start
    rules: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Workspace:
    """A private copy of the `conformance` package, mutated one file at a time."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="mutation-"))
        shutil.copytree(ROOT / "conformance", self.dir / "conformance",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (self.dir / "run").mkdir()

    def put(self, rel: str, text: str) -> None:
        (self.dir / rel).write_text(text, encoding="utf-8")

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class Harness:
    """Serves a workspace's emulator and runs the suite against it."""

    def __init__(self, suite_args: list[str], seed: int, timeout: float) -> None:
        self.suite_args, self.seed, self.timeout = suite_args, seed, timeout
        self.project_id, self.conference_sid = str(uuid.uuid4()), str(uuid.uuid4())
        self.token = "PT" + secrets.token_hex(16)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_", "PYTHON"))}
        self.env = {**base, "SIGNALWIRE_PROJECT_ID": self.project_id, "SIGNALWIRE_API_TOKEN": self.token,
                    "CONFORMANCE_CONFERENCE_SID": self.conference_sid}
        self._live: set[subprocess.Popen] = set()
        self._lock = threading.Lock()

    def _popen(self, command: list[str], **kwargs) -> subprocess.Popen:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True, **kwargs)
        with self._lock:
            self._live.add(proc)
        return proc

    def _end(self, proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        with self._lock:
            self._live.discard(proc)

    def stop_all(self) -> None:
        for proc in list(self._live):
            self._end(proc, signal.SIGKILL)

    def emulator_env(self, ws: Workspace) -> dict:
        return {**self.env, "PYTHONPATH": str(ws.dir), "PYTHONDONTWRITEBYTECODE": "1"}

    def check_shadowing(self, ws: Workspace) -> None:
        """The served emulator must be the workspace's copy, not the installed package."""
        probe = "import conformance.emulator.app as a; print(a.__file__)"
        out = subprocess.run([str(BIN / "python"), "-c", probe], env=self.emulator_env(ws), cwd=ws.dir / "run",
                             capture_output=True, text=True, check=True).stdout.strip()
        if not out.startswith(str(ws.dir)):
            raise SystemExit(f"mutation_score: the emulator would be imported from {out}, not the mutated copy")

    def _serve(self, ws: Workspace) -> tuple[subprocess.Popen, str | None]:
        log = ws.dir / "emulator.out"
        with open(log, "wb") as out:
            proc = self._popen([str(BIN / "conformance"), "emulate", "--host", "127.0.0.1", "--port", "0"],
                               env=self.emulator_env(ws), cwd=ws.dir / "run", stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            first = log.read_text(errors="replace").split("\n", 1)[0]
            if first.startswith("emulator listening on ") and "\n" in log.read_text(errors="replace"):
                return proc, first.split()[-1]
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        self._end(proc)
        return proc, None

    def judge(self, ws: Workspace, mutant: Mutant | None) -> Result:
        started = time.monotonic()
        result = self._judge(ws, mutant)
        result.seconds = time.monotonic() - started
        return result

    def _judge(self, ws: Workspace, mutant: Mutant | None) -> Result:
        emulator, url = self._serve(ws)
        if url is None:
            return Result(mutant, "killed", "no-start")
        report = ws.dir / "report"
        shutil.rmtree(report, ignore_errors=True)
        try:
            suite = self._popen([str(BIN / "conformance"), "run", "--base-url", url, "--seed", str(self.seed),
                                 "--quiet", "--report-dir", str(report), *self.suite_args],
                                env=self.env, cwd=ws.dir / "run", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                _, err = suite.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self._end(suite, signal.SIGKILL)
                return Result(mutant, "killed", "timeout")
            finally:
                self._end(suite)
        finally:
            self._end(emulator)
        try:
            requirements = json.loads((report / "results.json").read_text())["requirements"]
        except (OSError, ValueError, KeyError):
            requirements = []
        failed = [r["id"] for r in requirements if r["status"] == "FAIL"]
        warned = [r["id"] for r in requirements if r["status"] == "WARN"]
        if suite.returncode in (2, 3):
            line = err.decode(errors="replace").strip().splitlines()[-1:] or ["(no message)"]
            not_run = [r["id"] for r in requirements if r["status"] == "NOT RUN"]
            return Result(mutant, "killed", f"exit-{suite.returncode}", failed + not_run or [line[0][:120]])
        if failed or suite.returncode != 0:
            return Result(mutant, "killed", "fail", failed or [f"exit {suite.returncode}"])
        if warned:
            return Result(mutant, "killed", "warn", warned)
        return Result(mutant, "survived")


def load_equivalents() -> dict[str, dict]:
    """id -> {kind, reason}; every entry must have all three (a reviewed list, not a dumping ground)."""
    data = tomllib.loads(EQUIVALENTS.read_text(encoding="utf-8")) if EQUIVALENTS.exists() else {}
    entries = data.get("equivalent", [])
    incomplete = [e.get("id", "(no id)") for e in entries if not {"id", "kind", "reason"} <= set(e)]
    if incomplete:
        raise SystemExit(f"mutation_score: {EQUIVALENTS.name}: entries without id, kind or reason: {incomplete[:3]}")
    return {e["id"]: e for e in entries}


def all_mutants(files: list[str]) -> tuple[list[Mutant], dict[str, str]]:
    found, sources = [], {}
    for rel in files:
        sources[rel] = (ROOT / rel).read_text(encoding="utf-8")
        found += mutants(sources[rel], rel, SCOPE.get(rel, frozenset()))
    return found, sources


def _select_files(text: str | None) -> list[str]:
    if not text:
        return list(SCOPE)
    chosen = []
    for name in (part.strip() for part in text.split(",") if part.strip()):
        matches = [rel for rel in SCOPE if rel == name or rel.endswith("/" + name)]
        if not matches:
            raise SystemExit(f"mutation_score: --files: {name!r} is not one of {', '.join(SCOPE)}")
        chosen += matches
    return chosen


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}m{seconds % 60:04.1f}s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", help="comma-separated emulator files (default: all in scope)")
    parser.add_argument("--limit", type=_positive, help="run only N mutants, a seeded sample across the files")
    parser.add_argument("--jobs", type=_positive, default=2, help="mutants served at once (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="the suite's Hypothesis seed, and the sample's")
    parser.add_argument("--match", action="append", default=[], help="only mutants whose id contains TEXT")
    parser.add_argument("--suite-args", help=f"the suite's budget flags (default: {' '.join(SUITE_ARGS)!r})")
    parser.add_argument("--rerun", metavar="JSON", help="only the mutants that survived in an earlier --json file")
    parser.add_argument("--list", action="store_true", help="list the mutants and their ids, run nothing")
    parser.add_argument("--serve", metavar="TEXT", help="serve the one mutant whose id contains TEXT, to probe it by "
                        "hand (prints the base URL and credentials; Ctrl-C stops it)")
    parser.add_argument("--json", metavar="PATH", help="write every mutant's result here")
    parser.add_argument("--check-equivalents", action="store_true",
                        help="run the listed equivalent mutants too, and report any the suite kills")
    args = parser.parse_args()

    files = _select_files(args.files)
    found, sources = all_mutants(files)
    equivalents = load_equivalents()
    stale = sorted(set(equivalents) - {m.id for m in found}) if not args.files else []
    if args.match:
        found = [m for m in found if any(text in m.id for text in args.match)]
    if args.rerun:
        survived = {r["id"] for r in json.loads(Path(args.rerun).read_text()) if r["status"] == "survived"}
        found = [m for m in found if m.id in survived]
    if args.serve:
        return serve_one([m for m in found if args.serve in m.id], sources)
    if args.limit and args.limit < len(found):
        picked = set(random.Random(args.seed).sample(range(len(found)), args.limit))
        found = [m for i, m in enumerate(found) if i in picked]
    if args.list:
        for m in found:
            mark = "  [equivalent]" if m.id in equivalents else ""
            print(f"{m.where:<42} {m.id}{mark}")
        print(f"{len(found)} mutants")
        return 0

    suite_args = args.suite_args.split() if args.suite_args else SUITE_ARGS
    to_run = [m for m in found if args.check_equivalents or m.id not in equivalents]
    results = [Result(m, "equivalent", equivalents[m.id]["kind"]) for m in found
               if m.id in equivalents and m not in to_run]
    started = time.monotonic()
    harness = Harness(suite_args, args.seed, timeout=300)
    stopping = threading.Event()

    def interrupt(signum, frame):  # SIGINT may arrive ignored (a background job): handle it, and SIGTERM
        stopping.set()
        harness.stop_all()  # the running judges end at once, as killed; their results are dropped
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    workspaces: Queue[Workspace] = Queue()
    created = [Workspace() for _ in range(min(args.jobs, max(1, len(to_run))))]
    for ws in created:
        harness.check_shadowing(ws)
        workspaces.put(ws)
    try:
        baseline = harness.judge(created[0], None)
        if baseline.status != "survived":
            print(f"mutation_score: the unmutated emulator does not pass the suite ({baseline.how}: "
                  f"{', '.join(baseline.rules)}); fix that first", file=sys.stderr)
            return 2
        harness.timeout = max(60.0, 6 * baseline.seconds)
        print(f"baseline: unmutated emulator passes in {baseline.seconds:.1f}s; {len(to_run)} mutants to run "
              f"on {len(created)} jobs", file=sys.stderr, flush=True)
        done = [0]

        def run_one(m: Mutant) -> Result | None:
            if stopping.is_set():
                return None
            ws = workspaces.get()
            try:
                ws.put(m.file, mutated_source(sources[m.file], m, SCOPE.get(m.file, frozenset())))
                result = harness.judge(ws, m)
            finally:
                ws.put(m.file, sources[m.file])
                workspaces.put(ws)
            done[0] += 1
            print(f"  [{done[0]:>3}/{len(to_run)}] {result.status:<8} {result.how:<8} {m.where:<40} "
                  f"{m.operator} ({result.seconds:.1f}s)", file=sys.stderr, flush=True)
            return result

        with ThreadPoolExecutor(max_workers=len(created)) as pool:
            for result in pool.map(run_one, to_run):
                if result is None:
                    continue
                if result.mutant.id in equivalents and result.status == "killed":
                    result.how += " (listed as equivalent!)"
                elif result.mutant.id in equivalents:
                    result.status, result.how = "equivalent", equivalents[result.mutant.id]["kind"]
                results.append(result)
    except KeyboardInterrupt:
        stopping.set()
        harness.stop_all()
        print("mutation_score: interrupted", file=sys.stderr)
        return 130
    finally:
        harness.stop_all()
        for ws in created:
            ws.remove()
    elapsed = time.monotonic() - started
    order = {m.id: i for i, m in enumerate(found)}
    results.sort(key=lambda r: order[r.mutant.id])
    _print_summary(results, files, suite_args, args, elapsed, baseline.seconds, stale)
    if args.json:
        Path(args.json).write_text(json.dumps([{
            "id": r.mutant.id, "where": r.mutant.where, "status": r.status, "how": r.how, "rules": r.rules,
            "seconds": round(r.seconds, 1)} for r in results], indent=1))
    return 0


def serve_one(chosen: list[Mutant], sources: dict[str, str]) -> int:
    if len(chosen) != 1:
        print(f"mutation_score: --serve: {len(chosen)} mutants match; give text that picks one", file=sys.stderr)
        return 2
    (m,) = chosen
    harness, ws = Harness([], 1, 0), Workspace()

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    try:
        ws.put(m.file, mutated_source(sources[m.file], m, SCOPE.get(m.file, frozenset())))
        emulator, url = harness._serve(ws)
        if url is None:
            print((ws.dir / "emulator.out").read_text(errors="replace"), file=sys.stderr)
            return 1
        print(f"serving {m.id}\n  {url}\n  project {harness.project_id}  token {harness.token}  conference "
              f"{harness.conference_sid}", flush=True)
        emulator.wait()
    except KeyboardInterrupt:
        pass
    finally:
        harness.stop_all()
        ws.remove()
    return 0


def _print_summary(results: list[Result], files: list[str], suite_args: list[str], args, elapsed: float,
                   baseline_s: float, stale: list[str]) -> None:
    count = {s: sum(r.status == s for r in results) for s in ("killed", "survived", "equivalent")}
    ways = {}
    for r in results:
        if r.status == "killed":
            ways[r.how] = ways.get(r.how, 0) + 1
    judged = count["killed"] + count["survived"]
    print(f"mutation score: conformance run {' '.join(suite_args)} --seed {args.seed}, {args.jobs} jobs")
    print("files: " + ", ".join(f"{Path(f).name} ({sum(r.mutant.file == f for r in results)})" for f in files))
    print(f"mutants: {len(results)}   killed: {count['killed']}   survived: {count['survived']}   "
          f"equivalent: {count['equivalent']}")
    kinds: dict[str, int] = {}
    for r in results:
        if r.status == "equivalent":
            kinds[r.how] = kinds.get(r.how, 0) + 1
    if kinds:
        print("equivalent, by kind: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
    if judged:
        share = 100 * count["killed"] / judged
        print(f"score: {count['killed']}/{judged} non-equivalent mutants killed ({share:.1f}%)")
    print("killed by: " + (", ".join(f"{how} {n}" for how, n in sorted(ways.items())) or "-"))
    survivors = [r for r in results if r.status == "survived"]
    if survivors:
        print("survivors:")
        for r in survivors:
            print(f"  {r.mutant.where:<40} {r.mutant.id.split('::', 1)[1]}")
    wrong = [r for r in results if "listed as equivalent" in r.how]
    for r in wrong:
        print(f"  listed as equivalent but killed ({', '.join(r.rules)}): {r.mutant.id}")
    for entry in stale:
        print(f"  stale entry in {EQUIVALENTS.name} (no such mutant now): {entry}")
    print(f"total time: {_minutes(elapsed)} (one suite run against the unmutated emulator: {baseline_s:.1f}s)")


if __name__ == "__main__":
    sys.exit(main())
