"""`conformance compare A B`: one plan, one seed, run against two targets, and every difference labelled.

A side is a named target of the config file (`[targets.NAME]`), `emulator` (the embedded reference
emulator), or `emulator:SWITCH,SWITCH=VALUE` (an emulator started with `EmulatorSettings` switches,
e.g. `emulator:reject_query_urls` or `emulator:wrong_status_for_missing_url=200`). Each side is a
whole `Run` with its own credentials, conference and budget, governed as a single run is; the two
runs share the seed and the plan's settings, so they send the same requests in the same order.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from conformance.records.kinds import ExitStatus
from conformance.records.settings import RunSettings
from conformance.report.compare import Comparison, compare
from conformance.report.compare_report import report_dict, table_lines, verdict_line, write
from conformance.report.verdict import comparison_status
from conformance.report.writer import write_reports

if TYPE_CHECKING:
    from conformance.run.pair import SideRun

from .config import configured_values, load, settings_for, target_names
from .embedded import embedded_starter
from .options import CONFIG_OPTIONS, TARGET_OPTIONS, UsageError, resolve, run_settings
from .switches import emulator_settings
from .waivers import load_for

EMULATOR = "emulator"
COMPARE_OPTIONS = ("max_examples", "seed", "report_dir", "max_requests", "rate", "waivers", "allow_insecure_http",
                   "cleanup", "dry_run", "quick")
"""The run options a comparison takes: the plan's and the budget's. A side's identity (base URL,
credentials, conference) comes from its config-file target, never from a flag shared by both."""
_IDENTITY = ("base_url", "space", "project_id", "api_token", "account_sid", "conference_sid", "ca_file")
_SHARED = ("seed", "max_examples", "quick", "dry_run", "allow_partial")
"""Settings both sides must share for their plans to be the same; a target's own table cannot change them."""
EPILOG = """\
A side is a config-file target (--config, [targets.NAME]), `emulator`, or `emulator:SWITCHES`:
an embedded emulator started with switches (comma-separated; a bare name turns a switch on), e.g.
  conformance compare emulator emulator:reject_query_urls,wrong_status_for_missing_url=200

exit status:
  0    no difference is a conformance failure of the side under test (B, or A with --reference B)
  1    at least one difference is a conformance failure of the side under test
  2    either side could not be run (bad usage, unknown target, target unreachable, credentials refused)
  130  interrupted
"""


def add_parser(commands) -> None:
    """The `compare` subcommand, declared from the option table (`conformance.cli.main` calls this)."""
    import argparse

    from .options import add_options

    parser = commands.add_parser("compare", help="run one plan against two targets and explain every difference",
                                 epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", metavar="A", help="the reference side: a config-file target, emulator, or "
                                               "emulator:SWITCHES")
    parser.add_argument("b", metavar="B", help="the other side")
    parser.add_argument("--reference", choices=("A", "B"), default="A",
                        help="the side taken as right; the other is under test (default: A)")
    parser.add_argument("--quiet", action="store_true", help="no live progress, only the table")
    add_options(parser.add_argument, tuple(o for o in TARGET_OPTIONS if o.name in COMPARE_OPTIONS)
                + tuple(o for o in CONFIG_OPTIONS if o.name == "config"))


# --- the sides ---------------------------------------------------------------------------------------
def emulator_switches(spec: str):
    """`emulator:a,b=1` -> `EmulatorSettings(a=True, b=1)`; `emulator` -> None (the reference)."""
    _, _, text = spec.partition(":")
    return emulator_settings(text, spec) if text.strip() else None


def _emulator_settings(given: dict, spec: str) -> RunSettings:
    """The reference or a switched emulator: the plan's settings from flags, environment and the config
    file's top level; no identity (the emulator makes its own credentials and conference)."""
    environ = os.environ
    meta = resolve(CONFIG_OPTIONS, given, environ)
    config = load(meta["config"], environ)
    values = resolve(TARGET_OPTIONS, given, environ, configured_values(config, None, environ))
    for key in _IDENTITY:
        values[key] = [] if key == "conference_sid" else None
    return run_settings(values, target_name=spec)


def side_settings(given: dict, spec: str) -> RunSettings:
    if spec == EMULATOR or spec.startswith(EMULATOR + ":"):
        emulator_switches(spec)  # a bad switch is one line now, before anything starts
        return _emulator_settings(given, spec)
    known = target_names(given)
    if spec not in known:
        meta = resolve(CONFIG_OPTIONS, given)
        where = load(meta["config"], os.environ).source or "no config file was found"
        raise UsageError(f"compare: unknown target {spec!r} ({where}; targets: {', '.join(known) or 'none'}; "
                         f"or {EMULATOR}, {EMULATOR}:SWITCHES)")
    return settings_for(given, target=spec)


def split_sides(raw: str) -> tuple[str, str]:
    """`A,B` (pytest's --conformance-compare): two sides; switches inside a side are joined with `+`."""
    sides = [part.strip() for part in raw.split(",")]
    if len(sides) != 2 or not all(sides):
        raise UsageError(f"--conformance-compare takes two sides, A,B (join an emulator's switches with +), "
                         f"got {raw!r}")
    return sides[0], sides[1]


def _slug(spec: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", spec).strip("_") or "side"


def plan_settings(given: dict, a: str, b: str) -> tuple[RunSettings, RunSettings]:
    """Both sides' settings, sharing the seed and the plan; each side's reports in REPORT_DIR/a-NAME, b-NAME."""
    if a == b and a.partition(":")[0] != EMULATOR:
        raise UsageError(f"compare: {a!r} twice; a target compared with itself shares its conference with itself "
                         "(give two different targets, or emulator for the reference)")
    given = {k: v for k, v in given.items() if k not in _IDENTITY and k != "target"}
    common = _emulator_settings(given, EMULATOR)
    if common.seed is None:
        import random

        common = dataclasses.replace(common, seed=random.randrange(2**32))
    sides = []
    for key, spec in (("a", a), ("b", b)):
        settings = side_settings(given, spec)
        if settings.media:
            raise UsageError(f"compare: {spec} asks for --media; a comparison compares the REST answers only "
                             "(media streams are not compared yet)")
        shared = {name: getattr(common, name) for name in _SHARED}
        sides.append(dataclasses.replace(settings, **shared,
                                         report_dir=str(Path(common.report_dir) / f"{key}-{_slug(spec)}")))
    return sides[0], sides[1]


# --- the command ---------------------------------------------------------------------------------------
def _starter(spec: str):
    if spec == EMULATOR or spec.startswith(EMULATOR + ":"):
        return embedded_starter(emulator_switches(spec))
    return embedded_starter(None)  # a config target without base_url runs against the reference emulator


@dataclass
class Compared:
    """What a comparison left: both sides' runs, the comparison, its exit status, the files written."""

    sides: list[SideRun]
    status: ExitStatus
    comparison: Comparison | None = None
    problem: str | None = None
    paths: tuple[Path, ...] = ()

    def lines(self) -> list[str]:
        """The console table, the verdict and where the reports are (a dry run: the pairs)."""
        if self.problem:
            return [self.problem]
        if self.sides[0].record.settings.dry_run:
            return dry_pairs(self.sides)
        dirs = [s.record.settings.report_dir for s in self.sides]
        return ["", *table_lines(self.comparison), "", verdict_line(self.comparison),
                f"reports: {', '.join(str(p) for p in self.paths)} (each side's own: {dirs[0]}, {dirs[1]})"]


def perform(given: dict, a: str, b: str, *, reference: str = "A", progress=None) -> Compared:
    """Run both sides (A, then B), compare them, and write the reports. `progress(side, phase, run)`."""
    settings_a, settings_b = plan_settings(given, a, b)
    waivers = {key: load_for(s) for key, s in (("A", settings_a), ("B", settings_b))}
    sides: list[SideRun] = []
    for key, spec, settings in (("A", a, settings_a), ("B", b, settings_b)):
        from conformance.run.pair import run_side  # the run and its emulator: only when comparing, not for --help

        side = run_side(key, settings, start_emulator=_starter(spec), waivers=waivers[key], on_phase=progress)
        sides.append(side)
        if side.problem:
            return Compared(sides, ExitStatus.NOT_MADE, problem=f"compare: side {key} ({spec}) could not be run: "
                                                                f"{side.problem}")
        if side.record is not None and side.record.interrupted:
            return Compared(sides, ExitStatus.INTERRUPTED, problem="interrupted")
    side_a, side_b = (dataclasses.replace(s.side(), label=spec) for s, spec in zip(sides, (a, b), strict=True))
    comparison = compare(side_a, side_b, under_test="B" if reference == "A" else "A")
    status = comparison_status(comparison)
    if settings_a.dry_run:
        return Compared(sides, status, comparison)
    for side in sides:
        write_reports(side.record)
    report = report_dict(comparison, {k: s.record.settings.report_dir for k, s in zip("AB", sides, strict=True)})
    return Compared(sides, status, comparison, paths=write(report, Path(settings_a.report_dir).parent))


def run_compare(given: dict, a: str, b: str, *, reference: str = "A", quiet: bool = False) -> ExitStatus:
    started = time.monotonic()
    dry = bool(resolve(tuple(o for o in TARGET_OPTIONS if o.name == "dry_run"), given)["dry_run"])

    def progress(name, phase, run):
        if not quiet and not dry:
            print(f"  {name} {str(phase):<24} {run.requests_judged:>6} requests  {time.monotonic() - started:6.1f}s",
                  flush=True)

    done = perform(given, a, b, reference=reference, progress=progress)
    if done.problem:
        print(f"conformance: {done.problem}", file=sys.stderr)
        return done.status
    print("\n".join(done.lines()))
    if not dry:
        print(f"compared in {time.monotonic() - started:.1f}s")
    return done.status


def dry_pairs(sides: list[SideRun]) -> list[str]:
    """--dry-run: each request of the plan as both sides would send it, mapped; whether the lists agree."""
    mapped = [[s.mapped.text(line) if s.mapped else line for line in s.printed] for s in sides]
    raw = [s.printed for s in sides]
    same = mapped[0] == mapped[1]
    seed = sides[0].record.seed if sides[0].record else None
    lines = [f"dry run, seed {seed}: {len(raw[0])} request(s) on A, {len(raw[1])} on B; the same after mapping: "
             f"{'yes' if same else 'NO'}"]
    for index in range(max(len(raw[0]), len(raw[1]))):
        line_a = raw[0][index] if index < len(raw[0]) else "(none)"
        line_b = raw[1][index] if index < len(raw[1]) else "(none)"
        agree = index < len(mapped[0]) and index < len(mapped[1]) and mapped[0][index] == mapped[1][index]
        lines += [f"  {index + 1:>4}. {'=' if agree else '!'} A: {line_a}", f"        B: {line_b}"]
    return lines
