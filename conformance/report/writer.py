"""Writing the run's reports: results.json, junit.xml, report.html, and a line in history.jsonl."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import history
from .html_page import write_html
from .junit_xml import write_junit
from .record import RunRecord
from .results_json import report_dict, write_json


@dataclass(frozen=True)
class Written:
    paths: tuple[Path, ...]
    changes: dict[str, list[str]]
    """Rules newly failing and fixed since the last run against the same target."""


def write_reports(record: RunRecord) -> Written:
    directory = Path(record.settings.report_dir)
    directory.mkdir(parents=True, exist_ok=True)
    report = report_dict(record)
    past = history.read(directory)
    line = history.entry(report, record.results.latencies_ms)
    report["changes"] = history.changes(past, line)
    paths = (
        write_json(report, directory),
        write_junit(report, directory),
        write_html(report, [*past, line], record.results.latencies_ms, directory),
        history.append(directory, line),
    )
    return Written(paths, report["changes"])
