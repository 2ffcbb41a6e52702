"""Entry points: `conformance run | emulate | replay`, the config and options, and the pytest plugin.
The only package that knows both the suite and the emulator."""

from .main import main

__all__ = ["main"]
