"""Contract tests and a reference emulator for SignalWire's Create a Conference Stream API."""

__version__ = "0.1.0"
