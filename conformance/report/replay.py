"""How a report names the reproduction of one failing example: `conformance replay REPORT RULE`."""

from __future__ import annotations

from pathlib import Path


def replay_command(report_dir: str, rule_id: str, index: int) -> str:
    report = Path(report_dir) / "results.json"
    suffix = f" --example {index}" if index else ""
    return f"conformance replay {report} {rule_id}{suffix}"
