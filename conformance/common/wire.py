"""How values are spelled on the wire, the same for the suite and the emulator: SignalWire's Basic
credentials, and a form field's value."""

from __future__ import annotations

import base64
from typing import Any


def basic_header(user: str, password: str, *, scheme: str = "Basic", space: str = " ") -> str:
    """RFC 7617: `Basic base64(user ":" password)`; `scheme` and `space` vary for the near misses."""
    return scheme + space + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def form_value(value: Any) -> str:
    """A field's form spelling: booleans as SignalWire reads them (`true`), None as empty."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
