"""What a check concludes about one rule: `PASS`, a `Failed` (expected vs got), or `None` (not applicable)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Failed:
    expected: str
    got: str


class Held(Enum):
    PASS = "pass"


PASS = Held.PASS
Outcome = Failed | Held | None
