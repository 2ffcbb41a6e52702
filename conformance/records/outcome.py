"""What a check concludes about one rule: `PASS`, a `Failed` (expected vs got), or `None` (not applicable)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Failed:
    expected: str
    got: str


PASS = "pass"
Outcome = Failed | str | None
