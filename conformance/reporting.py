"""Writing the run's reports into the report folder."""

from __future__ import annotations

from pathlib import Path

from .report_json import write_json


def write_reports(state) -> list[Path]:
    directory = Path(state.settings.report_dir)
    directory.mkdir(parents=True, exist_ok=True)
    return [write_json(state, directory)]
