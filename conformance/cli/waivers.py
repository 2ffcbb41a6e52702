"""Known deviations a team has accepted: a rule id, a reason, and a date the waiver ends.

    [[waiver]]
    rule = "track-case"
    reason = "our gateway lower-cases enums; fix tracked in ACME-123"
    expires = 2027-03-31

A waived failure shows as WAIVED and does not fail the run; from its expiry date on, it is a
failure again, and the report says the waiver expired.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from conformance.contract import rules

from .options import UsageError


@dataclass(frozen=True)
class Waiver:
    rule_id: str
    reason: str
    expires: dt.date

    def active(self, today: dt.date | None = None) -> bool:
        return (today or dt.date.today()) < self.expires


def load(path: str) -> dict[str, Waiver]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--waivers: no file at {path!r}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"--waivers: {path} is not valid TOML: {exc}") from None
    unknown = set(data) - {"waiver"}
    if unknown:
        raise UsageError(f"--waivers: {path}: unknown key(s) {', '.join(sorted(unknown))}; use [[waiver]] tables")
    waivers = {}
    for i, entry in enumerate(data.get("waiver", []), 1):
        where = f"--waivers: {path}: waiver {i}"
        if not isinstance(entry, dict):
            raise UsageError(f"{where} is not a table")
        extra = set(entry) - {"rule", "reason", "expires"}
        if extra:
            raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        rule_id, reason, expires = entry.get("rule"), entry.get("reason"), entry.get("expires")
        if rule_id not in rules.RULES:
            raise UsageError(f"{where}: unknown rule {rule_id!r}")
        if not isinstance(reason, str) or not reason.strip():
            raise UsageError(f"{where}: a reason is required")
        if not isinstance(expires, dt.date) or isinstance(expires, dt.datetime):
            raise UsageError(f"{where}: expires must be a date like 2027-03-31")
        waivers[rule_id] = Waiver(rule_id, reason.strip(), expires)
    return waivers


def load_for(settings) -> dict[str, Waiver]:
    """The waivers a run's settings name (none if they name no file)."""
    return load(settings.waivers) if settings.waivers else {}
