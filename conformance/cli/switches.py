"""Emulator switches from text: `reject_query_urls,wrong_status_for_missing_url=200` -> the
`EmulatorSettings` fields they set. Read by `conformance compare emulator:SWITCHES` and by
`conformance emulate --switches` (so a config-file target can point at a switched emulator)."""

from __future__ import annotations

import dataclasses
import re

from .options import UsageError

FIXED = {"project_id", "api_token", "conference_sids", "idle_conference_sids"}
"""Fields that are the emulator's identity (set by their own flags), not switches."""


def known() -> dict:
    from conformance.emulator import EmulatorSettings

    return {f.name: f for f in dataclasses.fields(EmulatorSettings) if f.name not in FIXED}


def switch_values(text: str, where: str) -> dict:
    """The fields `text` sets (comma- or plus-separated; a bare name turns a switch on), checked."""
    from conformance.emulator.settings import Throttle

    fields = known()
    values = {}
    for item in (part.strip() for part in re.split(r"[,+]", text) if part.strip()):
        name, has_value, raw = (part.strip() for part in item.partition("="))
        if name not in fields:
            raise UsageError(f"{where}: unknown emulator switch {name!r}; switches: {', '.join(sorted(fields))}")
        kind = str(fields[name].type)
        try:
            if kind == "bool":
                value = True if not has_value else {"true": True, "false": False}[raw.lower()]
            elif "Throttle" in kind:
                value = Throttle.parse(raw)
            elif "int" in kind:
                value = int(raw)
            else:
                value = raw
        except (KeyError, ValueError) as exc:
            raise UsageError(f"{where}: bad value {raw!r} for {name} ({exc})") from None
        values[name] = value
    return values


def emulator_settings(text: str, where: str, **identity):
    """`EmulatorSettings` with these switches (and identity fields, if given); bad input is one line."""
    from conformance.emulator import EmulatorSettings

    try:
        return EmulatorSettings(**identity, **switch_values(text, where))
    except ValueError as exc:
        raise UsageError(f"{where}: {exc}") from None
