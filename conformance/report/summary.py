"""The console summary: one line per requirement, and under each failure its smallest request."""

from __future__ import annotations

from conformance.contract import rules
from conformance.records.kinds import Status

from .record import RunRecord
from .replay import replay_command
from .verdict import verdict_line
from .writer import Written


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


def summary_lines(record: RunRecord, written: Written | None = None) -> list[str]:
    results, settings = record.results, record.settings
    if results.problems:
        return [verdict_line(record)]
    lines = [
        f"target {record.base_url}{' (embedded emulator)' if record.embedded_emulator else ''}",
        f"{results.requests} requests in {record.duration:.1f}s, seed {record.seed}, "
        + ("--quick: the coverage set only" if settings.quick else
         f"{settings.max_examples} examples per rule")
        + (f"; coverage set {results.coverage_set_size} requests" if results.coverage_set_size else ""),
        "",
    ]
    ordered = sorted(results.by_rule.values(), key=lambda r: (r.status.rank, r.rule.area.value, r.rule.id))
    width = max(len(r.rule.id) for r in ordered)
    for result in ordered:
        level = "MUST  " if result.rule.level is rules.Level.MUST else "SHOULD"
        counts = f"{result.passed} ok" + (f", {result.failed} failed" if result.failed else "")
        lines.append(f"  {result.status:<7} {level}  {result.rule.id:<{width}}  {counts:<18} {result.offered:>5} req  "
                     f"{result.rule.title}")
        if result.status is Status.WAIVED:
            lines.append(f"            waived until {result.waiver.expires}: {result.waiver.reason}")
        if result.status in (Status.FAIL, Status.WARN) and result.examples:
            example = result.examples[0]
            lines.append(f"          expected {example.expected}")
            lines.append(f"          got      {example.got}")
            lines.append(f"          request  ({example.reason}) {example.curl}")
            lines.append(f"          replay   {replay_command(settings.report_dir, result.rule.id, 0)}")
    if not results.media:
        lines.append(f"note: the {len(rules.MEDIA_RULE_IDS)} media rules are checked only with --media: SKIP here, "
                     "and not counted as NOT RUN")
    lines += _open_point_lines(results)
    for note in results.notes:
        lines.append(f"note: {note}")
    changes = written.changes if written else None
    if changes and (changes["newly_failing"] or changes["fixed"]):
        lines += ["", f"since the last run: newly failing {', '.join(changes['newly_failing']) or 'none'}; "
                      f"fixed {', '.join(changes['fixed']) or 'none'}"]
    lines += ["", verdict_line(record)]
    if written:
        lines.append("reports: " + ", ".join(str(p) for p in written.paths))
    return lines
