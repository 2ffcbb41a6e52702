"""Request-level cases: a valid body sent with the wrong credentials, account or conference."""

from __future__ import annotations

import base64
import uuid
from dataclasses import replace

from hypothesis import strategies as st

from ._credentials import VARIANTS, Derived
from ._request import NO_AUTH, Basic, StreamRequest
from ._valid import stream_requests

_uuids = st.uuids(version=4).map(str)
_tokens = st.text(st.sampled_from("abcdef0123456789"), min_size=8, max_size=48).map(lambda t: "PT" + t)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


_MALFORMED = st.one_of(
    # Hypothesis draws the first elements first: the most telling malformations lead
    st.sampled_from(["Bearer abcdef0123456789", "Basic !!!!", "Basic", "Basic ", "Basic abc", "Basic ====",
                     "Digest username=\"x\"", "Token abc", "basic", "Basic\tZm9v", "Negotiate YII="]),
    _uuids.map(lambda u: "Basic " + _b64(u)),  # no colon: a user name and no password
    _uuids.map(lambda u: "Bearer " + _b64(u)),
    _uuids.map(lambda u: "Basic " + _b64(u + ":x")[:-2] + "!!"),  # corrupted base64
)


def _not_a_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return True
    return False


_MALFORMED_SIDS = st.one_of(
    st.sampled_from(["not-a-uuid", "123", "CF0123456789abcdef0123456789abcdef", "conference", "00000000",
                     "6e8bc430-9c3a-11d9-9669", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"]),
    st.from_regex(r"\A[A-Za-z0-9_-]{1,40}\Z").filter(_not_a_uuid),
)

_NEAR_MISSES = tuple(k for k, v in VARIANTS.items() if v.judged_by == "auth-near-miss")
_near_misses = st.builds(Derived, st.sampled_from(_NEAR_MISSES), _uuids)

_CASES = {
    "auth-missing": (st.just(NO_AUTH), "authorization", "no Authorization header"),
    "auth-wrong-token": (_tokens.map(Basic), "authorization", "the project id with a wrong API token"),
    "auth-malformed": (_MALFORMED, "authorization", "a malformed Authorization header"),
    "auth-near-miss": (_near_misses, "authorization", "credentials one near miss away from the real ones"),
    "account-foreign": (_uuids, "account_sid", "another account's AccountSid"),
    "conference-unknown": (_uuids, "conference_sid", "a ConferenceSid that does not exist"),
    "conference-malformed": (_MALFORMED_SIDS, "conference_sid", "a ConferenceSid that is not a UUID"),
}
REQUEST_LEVEL_RULE_IDS = tuple(_CASES)


def request_level_cases(rule: str | None = None, encoding=None) -> st.SearchStrategy[StreamRequest]:
    """Valid bodies sent with bad credentials, another account, or an unknown or malformed conference."""
    if rule is not None and rule not in _CASES:
        raise ValueError(f"no request-level strategy breaks rule {rule!r}; request-level rules: {', '.join(_CASES)}")
    chosen = [rule] if rule else list(_CASES)
    return st.one_of([_case(rule_id, encoding) for rule_id in chosen])


def _case(rule_id: str, encoding) -> st.SearchStrategy[StreamRequest]:
    values, attribute, reason = _CASES[rule_id]
    return st.builds(
        lambda base, value: replace(base, rule_ids=(rule_id,), reason=reason, **{attribute: value}),
        stream_requests(encoding),
        values,
    )


AUTH_MATRIX = tuple(VARIANTS)
"""Every kind of derived credentials: near misses (401), the scheme's letter case (200), odd spacing (open)."""
AUTH_MATRIX_JUDGED_BY = {kind: variant.judged_by for kind, variant in VARIANTS.items()}
"""Per kind, the rule (auth-near-miss, auth-scheme-case) or open point (auth-odd-spacing) it belongs to."""


def auth_matrix_cases(kind: str, encoding=None) -> st.SearchStrategy[StreamRequest]:
    """Valid bodies sent with one kind of credentials derived from the target's own, labelled with its
    position: `auth-near-miss` must be 401, `auth-scheme-case` must be 200, `auth-odd-spacing` is open."""
    if kind not in VARIANTS:
        raise ValueError(f"no credential variant {kind!r}; known: {', '.join(VARIANTS)}")
    variant = VARIANTS[kind]
    if variant.judged_by == "auth-scheme-case" and encoding is None:
        encoding = "form"  # a MUST: judged on the encoding a server must accept, not on JSON (a SHOULD)
    position = {"auth-near-miss": {"rule_ids": ("auth-near-miss",)},
                "auth-scheme-case": {"accepted_by": "auth-scheme-case"}}.get(
        variant.judged_by, {"open_point": variant.judged_by})
    return st.builds(lambda base, noise: replace(base, authorization=Derived(kind, noise), reason=variant.description,
                                                 **position),
                     stream_requests(encoding), _uuids)


def unauthenticated(encoding=None):
    return request_level_cases("auth-missing", encoding)


def wrong_token(encoding=None):
    return request_level_cases("auth-wrong-token", encoding)


def malformed_authorization(encoding=None):
    return request_level_cases("auth-malformed", encoding)


def foreign_account(encoding=None):
    return request_level_cases("account-foreign", encoding)


def unknown_conference(encoding=None):
    return request_level_cases("conference-unknown", encoding)


def malformed_conference(encoding=None):
    return request_level_cases("conference-malformed", encoding)
