"""One side of a comparison: a whole `Run`, governed as a single run is, that keeps every judged
exchange in order (through the run's observer) so that two sides can be paired request by request."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

from conformance.records.exchange import Judged
from conformance.records.settings import RunSettings
from conformance.report.compare import Mapped, Side
from conformance.report.record import RunRecord

from .lifecycle import Run, RunNotMade, StartEmulator


@dataclass(frozen=True)
class SideRun:
    """What one side's run left: its record, its exchanges, and (in a dry run) the lines it printed."""

    name: str
    record: RunRecord | None
    judged: tuple[Judged, ...]
    mapped: Mapped | None
    printed: tuple[str, ...] = ()
    problem: str | None = None

    def side(self) -> Side:
        return Side(self.name, self.record, self.judged, self.mapped, self.problem)


def run_side(name: str, settings: RunSettings, *, start_emulator: StartEmulator | None = None,
             waivers: dict | None = None, on_phase=None) -> SideRun:
    """Run the whole plan against one side. A dry run's printed requests are kept, not printed, so the
    door can print both sides' as pairs. `on_phase(side, phase, run)`: told after each phase."""
    judged: list[Judged] = []
    record = mapped = problem = None
    dry = io.StringIO()
    try:
        with contextlib.redirect_stdout(dry) if settings.dry_run else contextlib.nullcontext():
            run = Run(settings, waivers=waivers, start_emulator=start_emulator, observe=judged.append)
            target = run.target
            mapped = Mapped(target.base_url, target.project_id, target.account_sid, target.conference_sids,
                            target.secrets, target.basic_header)
            record = run.carry_out(None if on_phase is None else
                                   lambda index, phase, failures: on_phase(name, phase, run))
    except RunNotMade as exc:  # raised while the run was being built (the receivers, the target)
        problem = str(exc)
    if record is not None and record.results.problems:
        problem = record.results.problems[0]
    return SideRun(name, record, tuple(judged), mapped, tuple(dry.getvalue().splitlines()), problem)
