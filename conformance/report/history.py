"""`history.jsonl`: one line per run, so that nightly jobs can show trends and what changed."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

FILE = "history.jsonl"


def read(directory: Path) -> list[dict]:
    path = directory / FILE
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue  # a torn line from an interrupted write must not cost the whole history
    return entries


def entry(report: dict, latencies_ms: list[float]) -> dict:
    statuses = {r["id"]: r["status"] for r in report["requirements"]}
    judged = [s for s in statuses.values() if s not in ("SKIP", "NOT RUN", "PARTIAL", "N/A")]
    return {
        "finished": report["finished"],
        "target": report["target"]["base_url"] if not report["target"]["embedded_emulator"] else "embedded emulator",
        "exit_code": report["exit_code"],
        "interrupted": report["interrupted"],
        "requests": report["requests"],
        "pass_rate": round(sum(s in ("PASS", "WARN") for s in judged) / len(judged), 4) if judged else None,
        "p50_ms": round(statistics.median(latencies_ms), 2) if latencies_ms else None,
        "statuses": statuses,
    }


def changes(previous: list[dict], current: dict) -> dict[str, list[str]]:
    """Rules newly failing and fixed since the last run against the same target."""
    same = [e for e in previous if e.get("target") == current["target"]]
    if not same:
        return {"newly_failing": [], "fixed": []}
    before = same[-1].get("statuses", {})
    now = current["statuses"]
    bad = {"FAIL", "WARN"}
    return {
        "newly_failing": sorted(r for r, s in now.items() if s in bad and before.get(r) not in bad),
        "fixed": sorted(r for r, s in now.items() if s == "PASS" and before.get(r) in bad),
    }


def append(directory: Path, line: dict) -> Path:
    path = directory / FILE
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path
