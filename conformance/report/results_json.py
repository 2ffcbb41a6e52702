"""`results.json`: the machine-readable report, one entry per requirement."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from conformance import __version__
from conformance.contract import document as contract
from conformance.contract import rules

from .dimension_matrix import dimension_matrix
from .record import RunRecord
from .replay import replay_command
from .verdict import exit_status, verdict_line


def _iso(timestamp: float | None) -> str | None:
    return datetime.fromtimestamp(timestamp, UTC).isoformat() if timestamp else None


def report_dict(record: RunRecord) -> dict:
    results, settings, traffic = record.results, record.settings, record.traffic
    report_dir = settings.report_dir
    return {
        "suite_version": __version__,
        "target": {"base_url": record.base_url, "embedded_emulator": record.embedded_emulator},
        "spec_sha256": contract.spec_sha256(),
        "seed": record.seed,
        "max_examples": settings.max_examples,
        "started": _iso(record.started),
        "finished": _iso(record.finished),
        "duration_s": round(record.duration, 3),
        "interrupted": record.interrupted,
        "exit_code": int(exit_status(record)),
        "verdict": verdict_line(record),
        "problems": list(results.problems),
        "notes": list(results.notes),
        "traffic": {"sent": traffic.sent, "throttled": traffic.throttled, "unavailable_retried": traffic.unavailable,
                    "network_faults_retried": traffic.network_faults, "max_requests": traffic.max_requests},
        "requests": results.requests,
        "requirements": [
            {
                "id": r.rule.id,
                "level": r.rule.level.value,
                "area": r.rule.area.value,
                "title": r.rule.title,
                "basis": r.rule.basis,
                "status": r.status,
                "passed": r.passed,
                "failed": r.failed,
                "requests": max(r.offered, r.passed + r.failed),
                "expected": r.expected,
                "waiver": ({"reason": r.waiver.reason, "expires": r.waiver.expires.isoformat(),
                            "active": r.waived} if r.waiver else None),
                "examples": [{**e.as_dict(), "replay": replay_command(report_dir, r.rule.id, i)}
                             for i, e in enumerate(r.examples)],
            }
            for r in results.by_rule.values()
        ],
        "must_rules": {"expected": len(results.must_expected),
                       "exercised": len(results.must_expected) - len(results.must_not_run),
                       "not_run": [r.rule.id for r in results.must_not_run],
                       "media_expected": results.media, "allow_partial": results.allow_partial},
        "coverage": {"coverage_set_requests": results.coverage_set_size, "quick": settings.quick,
                     **results.coverage.as_dict(), "dimensions": dimension_matrix(results)},
        "open_points": open_points(results),
        "statuses_by_area": {area: {str(k): v for k, v in sorted(c.items())}
                             for area, c in results.statuses_by_area.items()},
        "waveforms": {codec: samples for codec, samples in sorted(results.waveforms.items())},
        "ledger": [{"account_sid": c.account_sid, "conference_sid": c.conference_sid, "sid": c.sid}
                   for c in record.ledger],
    }


def open_points(results) -> list[dict]:
    """The open points the run touched and what the target answered there: information, not findings."""
    return [{"id": point_id, "title": rules.open_point(point_id).title, "basis": rules.open_point(point_id).basis,
             "statuses": {str(k): v for k, v in sorted(counts.items())}}
            for point_id, counts in sorted(results.open_points.items())]


def write_json(report: dict, directory: Path) -> Path:
    path = directory / "results.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
