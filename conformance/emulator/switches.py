"""Switches that make an emulator differ from the reference in documented ways (`EmulatorSettings`):
one answers an open point the other way, one breaks a rule. Off by default; `conformance compare`
starts an emulator with them (`emulator:reject_query_urls`) to show each kind of difference."""

from __future__ import annotations

from typing import Any

from .settings import EmulatorSettings

_URL_FIELDS = ("Url", "StatusCallback")


def url_missing(fields: dict[str, Any]) -> bool:
    return fields.get("Url") in (None, "")


def extra_problems(settings: EmulatorSettings, fields: dict[str, Any]) -> list[str]:
    """The problems the switches add to the emulator's own validation."""
    problems = []
    if settings.reject_query_urls:
        problems += [f"{key} must not have a query string" for key in _URL_FIELDS
                     if isinstance(fields.get(key), str) and "?" in fields[key]]
    return problems
