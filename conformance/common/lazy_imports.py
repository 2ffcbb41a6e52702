"""Import-time savings that change no behaviour.

jsonschema imports `rfc3987_syntax` when it is installed, only for the `iri` and `iri-reference`
formats, and that import builds a Lark grammar: about 0.75 s, a third of the suite's start-up,
for formats the document never uses. A stand-in module takes its place until `is_valid_syntax`
is first called, and then imports the real one.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

_NAME = "rfc3987_syntax"


def _real():
    stub = sys.modules.pop(_NAME, None)
    try:
        return importlib.import_module(_NAME)
    except ImportError:
        if stub is not None:
            sys.modules[_NAME] = stub
        raise


def defer_iri_grammar() -> None:
    if _NAME in sys.modules or "jsonschema" in sys.modules or importlib.util.find_spec(_NAME) is None:
        return
    stub = types.ModuleType(_NAME, "Stand-in: the real module is imported on first use.")

    def is_valid_syntax(*args, **kwargs):
        return _real().is_valid_syntax(*args, **kwargs)

    stub.is_valid_syntax = is_valid_syntax
    sys.modules[_NAME] = stub
