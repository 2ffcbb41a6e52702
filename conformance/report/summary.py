"""The console summary: one line per requirement, and under each failure its smallest request."""

from __future__ import annotations

from conformance.contract import rules

from .replay import replay_command

_ORDER = {"FAIL": 0, "NOT RUN": 1, "PARTIAL": 2, "WARN": 3, "WAIVED": 4, "PASS": 5, "N/A": 6, "SKIP": 7}


def must_tally(results) -> str:
    expected = results.must_expected
    run = len(expected) - len(results.must_not_run)
    media = "" if results.media else " (media rules need --media)"
    return f"{run} of {len(expected)} MUST rules exercised in full{media}"


def verdict_line(state) -> str:
    results = state.results
    if state.settings.dry_run:
        return "DRY RUN: nothing was sent, nothing was judged"
    if results.problems:
        return f"RUN NOT MADE: {results.problems[0]}"
    why = ""
    if state.interrupted:
        why = "; interrupted"
    elif results.budget_spent:
        why = "; the request budget ran out"
    tally = must_tally(results)
    failed = results.must_failed
    if failed:
        return f"NOT CONFORMANT: {len(failed)} MUST requirement(s) failed ({tally}{why})"
    not_run = results.must_not_run
    if not_run:
        head = "PARTIAL RUN (--allow-partial)" if results.allow_partial else "INCOMPLETE"
        return (f"{head}: no verdict on conformance: {len(not_run)} MUST rule(s) NOT RUN or PARTIAL, none of those "
                f"exercised failed ({tally}{why})")
    return f"CONFORMANT: every MUST requirement held ({tally}{why})"


def summary_lines(state) -> list[str]:
    results = state.results
    if results.problems:
        return [verdict_line(state)]
    elapsed = (state.finished or state.started) - state.started
    lines = [
        f"target {state.target.base_url}{' (embedded emulator)' if state.target.is_emulator else ''}",
        f"{results.requests} requests in {elapsed:.1f}s, seed {state.seed}, "
        + ("--quick: the coverage set only" if state.settings.quick else
         f"{state.settings.max_examples} examples per rule")
        + (f"; coverage set {results.coverage_set_size} requests" if results.coverage_set_size else ""),
        "",
    ]
    ordered = sorted(results.by_rule.values(), key=lambda r: (_ORDER[r.status], r.rule.area.value, r.rule.id))
    width = max(len(r.rule.id) for r in ordered)
    for result in ordered:
        level = "MUST  " if result.rule.level is rules.Level.MUST else "SHOULD"
        counts = f"{result.passed} ok" + (f", {result.failed} failed" if result.failed else "")
        lines.append(f"  {result.status:<7} {level}  {result.rule.id:<{width}}  {counts:<18} {result.offered:>5} req  "
                     f"{result.rule.title}")
        if result.status == "WAIVED":
            lines.append(f"            waived until {result.waiver.expires}: {result.waiver.reason}")
        if result.status in ("FAIL", "WARN") and result.examples:
            example = result.examples[0]
            lines.append(f"          expected {example.expected}")
            lines.append(f"          got      {example.got}")
            lines.append(f"          request  ({example.reason}) {example.curl}")
            lines.append(f"          replay   {replay_command(state, result.rule.id, 0)}")
    if not results.media:
        lines.append(f"note: the {len(rules.MEDIA_RULE_IDS)} media rules are checked only with --media: SKIP here, "
                     "and not counted as NOT RUN")
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
