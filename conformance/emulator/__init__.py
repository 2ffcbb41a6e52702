"""The embedded reference emulator of Create a Conference Stream (and the stop update)."""

from .app import EmulatorApp, HTTPError, ValidationFailed
from .server import RunningEmulator, running_emulator
from .settings import API_ROOT, EmulatorSettings

__all__ = [
    "API_ROOT",
    "EmulatorApp",
    "EmulatorSettings",
    "HTTPError",
    "RunningEmulator",
    "ValidationFailed",
    "running_emulator",
]
