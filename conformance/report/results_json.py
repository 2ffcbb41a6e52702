"""`results.json`: the machine-readable report, one entry per requirement."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from conformance import __version__
from conformance.contract import document as contract

from .replay import replay_command
from .summary import verdict_line


def _iso(timestamp: float | None) -> str | None:
    return datetime.fromtimestamp(timestamp, UTC).isoformat() if timestamp else None


def report_dict(state) -> dict:
    results = state.results
    return {
        "suite_version": __version__,
        "target": {"base_url": state.target.base_url, "embedded_emulator": state.target.is_emulator},
        "spec_sha256": contract.spec_sha256(),
        "seed": state.seed,
        "max_examples": state.settings.max_examples,
        "started": _iso(state.started),
        "finished": _iso(state.finished),
        "duration_s": round((state.finished or state.started) - state.started, 3),
        "interrupted": state.interrupted,
        "exit_code": results.exit_code(),
        "verdict": verdict_line(state),
        "problems": list(results.problems),
        "notes": list(results.notes),
        "traffic": {"sent": state.runner.governor.sent, "throttled": state.runner.governor.throttled,
                    "network_faults_retried": state.runner.governor.network_faults,
                    "max_requests": state.runner.governor.max_requests},
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
                "examples": [{**e.as_dict(), "replay": replay_command(state, r.rule.id, i)}
                             for i, e in enumerate(r.examples)],
            }
            for r in results.by_rule.values()
        ],
        "must_rules": {"expected": len(results.must_expected),
                       "exercised": len(results.must_expected) - len(results.must_not_run),
                       "not_run": [r.rule.id for r in results.must_not_run],
                       "media_expected": results.media, "allow_partial": results.allow_partial},
        "coverage": {"coverage_set_requests": results.coverage_set_size, "quick": state.settings.quick,
                     **results.coverage.as_dict()},
        "statuses_by_area": {area: {str(k): v for k, v in sorted(c.items())}
                             for area, c in results.statuses_by_area.items()},
        "waveforms": {codec: samples for codec, samples in sorted(results.waveforms.items())},
        "ledger": [{"account_sid": a, "conference_sid": c, "sid": s} for a, c, s in state.runner.created],
    }


def write_json(report: dict, directory: Path) -> Path:
    path = directory / "results.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
