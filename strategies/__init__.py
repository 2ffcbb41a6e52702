"""Hypothesis strategies for SignalWire's Create a Conference Stream requests.

Valid requests cover the must-accept space; invalid ones each break exactly one rule of
`conformance.rules` and carry its id, so the expected answer is known by construction; open ones
(`open_stream_requests`) carry the open point they are in, where either answer conforms::

    from hypothesis import given
    from . import invalid_stream_requests

    @given(invalid_stream_requests("url-scheme-wss"))
    def test_rejects_non_wss(request): ...
"""

from ._credentials import Derived
from ._dimensions import LARGE_BODY_BYTES, MEMBER_CLASS_IDS, dimension_cases, members
from ._invalid import BODY_RULE_IDS, invalid_stream_requests, repaired
from ._open import OPEN_POINT_IDS, has_unowned_host, open_point_of, open_stream_requests, unowned_hosts_reserved
from ._request import NO_AUTH, Basic, StreamRequest, form_value
from ._request_level import (
    AUTH_MATRIX,
    AUTH_MATRIX_JUDGED_BY,
    REQUEST_LEVEL_RULE_IDS,
    auth_matrix_cases,
    foreign_account,
    malformed_authorization,
    malformed_conference,
    request_level_cases,
    unauthenticated,
    unknown_conference,
    wrong_token,
)
from ._valid import BOUNDARY_CLASS_IDS, boundary_stream_requests, stream_requests

__all__ = [
    "AUTH_MATRIX",
    "AUTH_MATRIX_JUDGED_BY",
    "BODY_RULE_IDS",
    "BOUNDARY_CLASS_IDS",
    "NO_AUTH",
    "OPEN_POINT_IDS",
    "REQUEST_LEVEL_RULE_IDS",
    "Basic",
    "Derived",
    "LARGE_BODY_BYTES",
    "MEMBER_CLASS_IDS",
    "StreamRequest",
    "auth_matrix_cases",
    "boundary_stream_requests",
    "dimension_cases",
    "foreign_account",
    "form_value",
    "has_unowned_host",
    "invalid_stream_requests",
    "malformed_authorization",
    "malformed_conference",
    "members",
    "open_point_of",
    "open_stream_requests",
    "repaired",
    "request_level_cases",
    "stream_requests",
    "unowned_hosts_reserved",
    "unauthenticated",
    "unknown_conference",
    "wrong_token",
]
