"""Writing the run's reports: results.json, junit.xml, report.html, and a line in history.jsonl."""

from __future__ import annotations

from pathlib import Path

from . import history
from .html_page import write_html
from .junit_xml import write_junit
from .results_json import report_dict, write_json


def write_reports(state) -> list[Path]:
    directory = Path(state.settings.report_dir)
    directory.mkdir(parents=True, exist_ok=True)
    report = report_dict(state)
    past = history.read(directory)
    line = history.entry(report, state.results.latencies_ms)
    report["changes"] = history.changes(past, line)
    state.changes = report["changes"]
    return [
        write_json(report, directory),
        write_junit(report, directory),
        write_html(report, [*past, line], state.results.latencies_ms, directory),
        history.append(directory, line),
    ]
