"""Hypothesis strategies for SignalWire's Create a Conference Stream requests.

Valid requests cover the documented space; invalid ones each break exactly one rule of
`conformance.rules` and carry its id, so the expected answer is known by construction::

    from hypothesis import given
    from . import invalid_stream_requests

    @given(invalid_stream_requests("url-scheme-wss"))
    def test_rejects_non_wss(request): ...
"""

from ._invalid import BODY_RULE_IDS, invalid_stream_requests, repaired
from ._request import NO_AUTH, Basic, StreamRequest
from ._request_level import (
    REQUEST_LEVEL_RULE_IDS,
    foreign_account,
    malformed_authorization,
    malformed_conference,
    request_level_cases,
    unauthenticated,
    unknown_conference,
    wrong_token,
)
from ._valid import stream_requests

__all__ = [
    "BODY_RULE_IDS",
    "NO_AUTH",
    "REQUEST_LEVEL_RULE_IDS",
    "Basic",
    "StreamRequest",
    "foreign_account",
    "invalid_stream_requests",
    "malformed_authorization",
    "malformed_conference",
    "repaired",
    "request_level_cases",
    "stream_requests",
    "unauthenticated",
    "unknown_conference",
    "wrong_token",
]
