"""A comparison's reports: the console table, compare.json (schema: schemas/compare.schema.json) and
compare.html, differences grouped by label and by rule or open point, each with the smallest request
that shows it as curl for both sides (made by `redact`: no secret in any of them)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from conformance.records.kinds import DifferenceLabel

from .compare import Comparison, Difference, Group
from .html_page import _CSS
from .verdict import comparison_status

SCHEMA_VERSION = 1
TOP = 8
DIFFERENCES_KEPT = 2000
"""compare.json keeps every group and at most this many single differences (a run of thousands of
requests against a very different server would otherwise write megabytes nobody reads)."""


def _label(g: Group) -> str:
    if not g.side:
        return str(g.label)
    return f"{g.label} of {g.side}" + (" [SHOULD]" if g.smallest.level is not None and g.smallest.level != "MUST"
                                       else "")


def _describe(side) -> str:
    where = side.record.base_url if side.record is not None else "not started"
    return f"{side.label or side.name} ({where})"


def table_lines(comparison: Comparison) -> list[str]:
    a, b = comparison.sides
    test = comparison.under_test
    lines = [f"compare: A = {_describe(a)}", f"         B = {_describe(b)}",
             f"seed {comparison.seed}; side under test: {test} (reference: {'A' if test == 'B' else 'B'})", ""]
    only_a, only_b = comparison.only
    rows = [("requests compared", comparison.paired), ("identical", comparison.identical),
            ("differing", comparison.differing_requests)]
    rows += [(f"  {key}", count) for key, count in comparison.counts().items()]
    if only_a or only_b:
        rows.append(("sent on one side only", f"{only_a} on A, {only_b} on B"))
    lines += [f"  {name:<34} {value:>6}" for name, value in rows]
    groups = comparison.groups()
    if groups:
        lines += ["", f"top differences ({min(TOP, len(groups))} of {len(groups)}; the smallest request that shows "
                      "each):"]
    for rank, group in enumerate(groups[:TOP], 1):
        d = group.smallest
        lines.append(f"  {rank}. {_label(group)}: {group.subject}  ({group.count} request(s))")
        lines.append(f"     request: {d.request}")
        for aspect, va, vb in d.aspects[:6]:
            lines.append(f"     {aspect}: A {va!s}, B {vb!s}")
        if d.expected_got:
            lines.append(f"     {d.expected_got}")
        lines.append(f"     A: {d.curl[0]}")
        lines.append(f"     B: {d.curl[1]}")
    return lines


def verdict_line(comparison: Comparison) -> str:
    failures = comparison.failures_under_test
    side = comparison.under_test
    if failures:
        rules = sorted({rule for d in failures for rule in d.subject.split(",")})
        return (f"DIFFERENT: {len(failures)} difference(s) are conformance failures of {side}, the side under test "
                f"({', '.join(rules)})")
    if comparison.differences:
        mine = [d for d in comparison.differences if d.label is DifferenceLabel.FAILURE and d.side == side]
        should = sum(d.level is not None and d.level != "MUST" for d in mine)
        waived = len(mine) - should
        warned = "".join([f"; {should} SHOULD deviation(s) of {side}" if should else "",
                          f"; {waived} waived failure(s) of {side}" if waived else ""])
        return (f"COMPATIBLE WITH DIFFERENCES: none of the {len(comparison.differences)} difference(s) is a "
                f"MUST failure of {side}{warned}")
    return f"SAME: a client could not tell the two apart in {comparison.paired} requests"


def _aspects(d: Difference) -> list[dict]:
    return [{"aspect": k, "A": _plain(va), "B": _plain(vb)} for k, va, vb in d.aspects]


def _level(d: Difference) -> str | None:
    return str(d.level) if d.level is not None else None


def _plain(value):
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _difference(d: Difference) -> dict:
    return {"index": d.index, "label": str(d.label), "side": d.side, "level": _level(d), "subject": d.subject,
            "request": d.request,
            "aspects": _aspects(d), "expected_got": d.expected_got}


def report_dict(comparison: Comparison, report_dirs: dict[str, str] | None = None) -> dict:
    report_dirs = report_dirs or {}
    sides = {}
    for key, side in zip(("A", "B"), comparison.sides, strict=True):
        record = side.record
        sides[key] = {"name": side.label or side.name, "base_url": record.base_url if record else None,
                      "embedded_emulator": bool(record and record.embedded_emulator),
                      "exchanges": len(side.judged), "problem": side.problem, "report_dir": report_dirs.get(key)}
    groups = [{"label": str(g.label), "side": g.side, "level": _level(g.smallest), "subject": g.subject,
               "count": g.count,
               "request": g.smallest.request, "aspects": _aspects(g.smallest), "expected_got": g.smallest.expected_got,
               "curl": {"A": g.smallest.curl[0], "B": g.smallest.curl[1]},
               "answer": {"A": g.smallest.answer[0], "B": g.smallest.answer[1]}} for g in comparison.groups()]
    return {
        "schema_version": SCHEMA_VERSION,
        "seed": comparison.seed,
        "under_test": comparison.under_test,
        "sides": sides,
        "requests_compared": comparison.paired,
        "identical": comparison.identical,
        "differing": comparison.differing_requests,
        "only": {"A": comparison.only[0], "B": comparison.only[1]},
        "counts": comparison.counts(),
        "verdict": verdict_line(comparison),
        "exit_status": int(comparison_status(comparison)),
        "groups": groups,
        "differences": [_difference(d) for d in comparison.differences[:DIFFERENCES_KEPT]],
        "differences_left_out": max(0, len(comparison.differences) - DIFFERENCES_KEPT),
    }


_LABEL_TEXT = {
    DifferenceLabel.FAILURE: "A rule failed on one side and held on the other.",
    DifferenceLabel.UNCOVERED: "Both answers pass every rule, and no rule or open point speaks to the difference: "
                               "what a client could tell apart that the document does not decide.",
    DifferenceLabel.OPEN_POINT: "The request is in an open point of the registry: either answer conforms.",
    DifferenceLabel.FREEDOM: "A rule allows both answers (400 or 422 for a validation error, a status of the "
                             "document's enum).",
}


def _group_html(group: dict) -> str:
    rows = "".join(f"<tr><td>{escape(a['aspect'])}</td><td><code>{escape(str(a['A']))}</code></td>"
                   f"<td><code>{escape(str(a['B']))}</code></td></tr>" for a in group["aspects"])
    side = f" of {group['side']}" if group["side"] else ""
    why = f"<p>{escape(group['expected_got'])}</p>" if group["expected_got"] else ""
    tone = "failure" if group["label"] == str(DifferenceLabel.FAILURE) else "failure WARN"
    return (f'<div class="{tone}"><b>{escape(group["label"])}{side}: {escape(group["subject"])}</b> '
            f'({group["count"]} request(s))<p>{escape(group["request"])}</p>{why}'
            f'<table><tr><th>aspect</th><th>A</th><th>B</th></tr>{rows}</table>'
            f'<p>A: {escape(group["answer"]["A"])}</p><pre>{escape(group["curl"]["A"])}</pre>'
            f'<p>B: {escape(group["answer"]["B"])}</p><pre>{escape(group["curl"]["B"])}</pre></div>')


def html_page(report: dict) -> str:
    failed = report["exit_status"] == 1
    summary = "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in (
        ("A", f"{report['sides']['A']['name']} ({report['sides']['A']['base_url']})"),
        ("B", f"{report['sides']['B']['name']} ({report['sides']['B']['base_url']})"),
        ("seed", report["seed"]), ("side under test", report["under_test"]),
        ("requests compared", report["requests_compared"]), ("identical", report["identical"]),
        ("differing", report["differing"]), *report["counts"].items()))
    sections = []
    for label in DifferenceLabel:
        groups = [g for g in report["groups"] if g["label"] == str(label)]
        if not groups:
            continue
        sections.append(f"<h2>{escape(str(label))} ({sum(g['count'] for g in groups)})</h2>"
                        f"<p>{escape(_LABEL_TEXT[label])}</p>" + "".join(_group_html(g) for g in groups))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Comparison</title><style>{_CSS}</style>"
            f"</head><body><div class='verdict {'fail' if failed else 'pass'}'>{escape(report['verdict'])}</div>"
            f"<main><h2>Summary</h2><table class='meta'>{summary}</table>{''.join(sections)}</main></body></html>")


def write(report: dict, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path, html_path = directory / "compare.json", directory / "compare.html"
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    html_path.write_text(html_page(report), encoding="utf-8")
    return json_path, html_path
