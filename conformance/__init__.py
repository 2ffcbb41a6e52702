"""Contract tests and a reference emulator for SignalWire's Create a Conference Stream API."""

from conformance.common.lazy_imports import defer_iri_grammar

__version__ = "0.1.0"
defer_iri_grammar()
