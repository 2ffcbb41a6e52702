"""The console summary: one line per requirement, and under each failure its smallest request."""

from __future__ import annotations

from conformance.contract import rules

from .replay import replay_command

_ORDER = {"FAIL": 0, "WARN": 1, "WAIVED": 2, "PASS": 3, "SKIP": 4}


def verdict_line(state) -> str:
    results = state.results
    if state.settings.dry_run:
        return "DRY RUN: nothing was sent, nothing was judged"
    suffix = " (interrupted: partial run)" if state.interrupted else ""
    if results.budget_spent:
        suffix = " (the request budget ran out: partial run)"
    if results.problems:
        return f"RUN NOT MADE: {results.problems[0]}"
    failed = results.must_failed
    if failed:
        return f"NOT CONFORMANT: {len(failed)} MUST requirement(s) failed{suffix}"
    return f"CONFORMANT: every MUST requirement held{suffix}"


def _open_point_lines(results) -> list[str]:
    """Where either answer conforms: what the target did, shown as information, never as a failure."""
    if not results.open_points:
        return []
    lines = ["", "open points touched (either answer conforms; information, not failures):"]
    width = max(len(point_id) for point_id in results.open_points)
    for point_id, counts in sorted(results.open_points.items()):
        answers = ", ".join(f"{status} x{n}" for status, n in sorted(counts.items()))
        lines.append(f"  OPEN    {point_id:<{width}}  {answers}")
    return lines


def summary_lines(state) -> list[str]:
    results = state.results
    if results.problems:
        return [verdict_line(state)]
    elapsed = (state.finished or state.started) - state.started
    lines = [
        f"target {state.target.base_url}{' (embedded emulator)' if state.target.is_emulator else ''}",
        f"{results.requests} requests in {elapsed:.1f}s, seed {state.seed}, "
        f"{state.settings.max_examples} examples per test",
        "",
    ]
    ordered = sorted(results.by_rule.values(), key=lambda r: (_ORDER[r.status], r.rule.area.value, r.rule.id))
    width = max(len(r.rule.id) for r in ordered)
    for result in ordered:
        level = "MUST  " if result.rule.level is rules.Level.MUST else "SHOULD"
        counts = f"{result.passed} ok" + (f", {result.failed} failed" if result.failed else "")
        lines.append(f"  {result.status:<6}  {level}  {result.rule.id:<{width}}  {counts:<18} {result.rule.title}")
        if result.status == "WAIVED":
            lines.append(f"            waived until {result.waiver.expires}: {result.waiver.reason}")
        if result.status in ("FAIL", "WARN") and result.examples:
            example = result.examples[0]
            lines.append(f"          expected {example.expected}")
            lines.append(f"          got      {example.got}")
            lines.append(f"          request  ({example.reason}) {example.curl}")
            lines.append(f"          replay   {replay_command(state, result.rule.id, 0)}")
    lines += _open_point_lines(results)
    for note in results.notes:
        lines.append(f"note: {note}")
    changes = getattr(state, "changes", None)
    if changes and (changes["newly_failing"] or changes["fixed"]):
        lines += ["", f"since the last run: newly failing {', '.join(changes['newly_failing']) or 'none'}; "
                      f"fixed {', '.join(changes['fixed']) or 'none'}"]
    lines += ["", verdict_line(state)]
    paths = getattr(state, "report_paths", None)
    if paths:
        lines.append("reports: " + ", ".join(str(p) for p in paths))
    return lines
