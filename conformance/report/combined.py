"""Several targets in one run: a table of their verdicts, read back from each target's report."""

from __future__ import annotations

import json
from pathlib import Path

from conformance.records.kinds import ExitStatus


def _report(root: str, name: str) -> dict | None:
    path = Path(root) / name / "results.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _status(code) -> ExitStatus:
    try:
        return ExitStatus(code)
    except ValueError:
        return ExitStatus.NOT_MADE


def combined_exit_code(root: str, names: list[str]) -> ExitStatus:
    """The worst of the targets' exits (`ExitStatus.severity`): a run not made (or one that left no
    report) over an interrupted one, over a failure, over a MUST rule not run."""
    codes = [_status((_report(root, n) or {"exit_code": 2})["exit_code"]) for n in names]
    return max(codes, key=lambda c: c.severity) if codes else ExitStatus.NOT_MADE


def combined_table(root: str, names: list[str]) -> list[str]:
    width = max(len(n) for n in names)
    lines = [f"{'target':<{width}}  exit  requests  FAIL  WARN  verdict"]
    for name in names:
        report = _report(root, name)
        if report is None:
            lines.append(f"{name:<{width}}     2         -     -     -  no report: this target's run did not finish")
            continue
        counts = {s: sum(r["status"] == s for r in report["requirements"]) for s in ("FAIL", "WARN")}
        lines.append(f"{name:<{width}}  {report['exit_code']:>4}  {report['requests']:>8}  {counts['FAIL']:>4}  "
                     f"{counts['WARN']:>4}  {report['verdict']}")
    lines.append(f"reports: {root}/<target>/")
    return lines
