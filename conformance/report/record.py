"""The record of one run: everything the reports read, frozen when the run ends.

`conformance.run.lifecycle.Run.finish` makes it; the writers, the summary and the exit status read
it and nothing else (no report module reaches into the run's live objects).
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.records.settings import RunSettings

from .results import Results


@dataclass(frozen=True)
class Traffic:
    """What the governor let through and waited out."""

    sent: int
    max_requests: int | None
    throttled: int = 0
    """429 answers waited out and retried."""
    unavailable: int = 0
    """503 answers waited out and retried."""
    network_faults: int = 0


@dataclass(frozen=True)
class CreatedStream:
    account_sid: str
    conference_sid: str
    sid: str


@dataclass(frozen=True)
class RunRecord:
    settings: RunSettings
    """As the run used them: `seed` is always set."""
    base_url: str
    embedded_emulator: bool
    results: Results
    traffic: Traffic
    ledger: tuple[CreatedStream, ...]
    started: float
    finished: float
    interrupted: bool = False

    @property
    def seed(self) -> int:
        return self.settings.seed

    @property
    def duration(self) -> float:
        return self.finished - self.started
