"""The emulator's own validation of a create request: one readable message per problem.

Deliberately written apart from the suite's oracle (`strategies` and `conformance.checks`):
it reads only enum values and the custom-parameter limit from the bundled document, so a
mistake in one of the two is caught by the other.
"""

from __future__ import annotations

import re
from functools import cache

import rfc3986
from rfc3986 import exceptions as uri_errors
from rfc3986 import validators

from conformance.contract import document as contract

from .bodies import FieldValue

_PARAM_KEY = re.compile(r"^Parameter(\d+)\.(Name|Value)$")
_STRING_FIELDS = ("Name", "Url", "StatusCallback", "AuthorizationBearerToken")
_BOOLEAN_WORDS = {"true": True, "false": False}


@cache
def _uri_validator(*schemes: str) -> validators.Validator:
    return (
        validators.Validator()
        .allow_schemes(*schemes)
        .require_presence_of("scheme", "host")
        .check_validity_of("scheme", "host", "port", "path", "query", "fragment")
    )


def _absolute_url_problem(field: str, value: str, schemes: tuple[str, ...]) -> str | None:
    if any(ch.isspace() for ch in value):
        return f"{field} must not contain whitespace"
    try:
        uri = rfc3986.iri_reference(value).encode()
    except (ValueError, uri_errors.RFC3986Exception):
        return f"{field} is not a valid URL"
    scheme = (uri.scheme or "").lower()
    if not scheme:
        return f"{field} must be an absolute URL ({' or '.join(schemes)}://host/...)"
    if scheme not in schemes:
        return f"{field} must use {' or '.join(schemes)}, not {scheme}"
    try:
        _uri_validator(*schemes).validate(uri)
    except uri_errors.MissingComponentError:
        return f"{field} must have a host"
    except uri_errors.ValidationError:
        return f"{field} is not a valid URL"
    if not uri.host or uri.host == "[]":  # rfc3986 takes `wss://:443/` and `wss://@/` to have a host
        return f"{field} must have a host"
    return None


def _string_problems(fields: dict[str, FieldValue]) -> list[str]:
    problems = []
    for key, value in fields.items():
        if key == "StreamRealTime":
            continue
        if (key in _STRING_FIELDS or key in contract.ENUM_FIELDS or _PARAM_KEY.match(key)) and not isinstance(
            value, str
        ):
            problems.append(f"{key} must be a string")
    return problems


URL_REQUIRED = "Url is required"


def _url_problems(fields: dict[str, FieldValue]) -> list[str]:
    url = fields.get("Url")
    if url is None or url == "":
        return [URL_REQUIRED]
    if not isinstance(url, str):
        return []  # reported by _string_problems
    problem = _absolute_url_problem("Url", url, ("wss",))
    if problem is None and "?" in url.split("#", 1)[0]:
        # signalwire/docs cxml/voice/stream.mdx, Notes on usage: "The url does not support query string
        # parameters. To pass custom key value pairs to the WebSocket, make use of Custom Parameters instead."
        # (Only the url: StatusCallback is an ordinary HTTP URL, and the page says nothing against its query.)
        problem = ("Url must not have a query string (the url does not support query string parameters): "
                   "pass key-value pairs as custom parameters (ParameterN.Name / ParameterN.Value)")
    return [problem] if problem else []


def _callback_problems(fields: dict[str, FieldValue]) -> list[str]:
    callback = fields.get("StatusCallback")
    if callback is None or not isinstance(callback, str):
        return []
    problem = _absolute_url_problem("StatusCallback", callback, ("https", "http"))
    return [problem] if problem else []


def _enum_problems(fields: dict[str, FieldValue]) -> list[str]:
    problems = []
    for field in contract.ENUM_FIELDS:
        value = fields.get(field)
        if value is None or not isinstance(value, str):
            continue
        allowed = contract.enum_values(field)
        if value not in allowed:
            problems.append(f"{field} must be one of {', '.join(allowed)}")
    return problems


def _realtime_problems(fields: dict[str, FieldValue]) -> list[str]:
    if "StreamRealTime" not in fields:
        return []
    value = fields["StreamRealTime"]
    if isinstance(value, bool) or (isinstance(value, str) and value in _BOOLEAN_WORDS):
        return []
    return ["StreamRealTime must be true or false"]


def _parameter_problems(fields: dict[str, FieldValue]) -> list[str]:
    limit = contract.max_custom_parameters()
    bad = sorted(
        {int(m.group(1)) for key in fields if (m := _PARAM_KEY.match(key)) and not 1 <= int(m.group(1)) <= limit}
    )
    if not bad:
        return []
    shown = ", ".join(f"Parameter{n}" for n in bad[:5]) + (" ..." if len(bad) > 5 else "")
    return [f"custom parameters are numbered 1 to {limit}; got {shown}"]


def problems(fields: dict[str, FieldValue]) -> list[str]:
    """Every problem with a create request's fields; empty when the request is valid."""
    return (
        _string_problems(fields)
        + _url_problems(fields)
        + _enum_problems(fields)
        + _callback_problems(fields)
        + _realtime_problems(fields)
        + _parameter_problems(fields)
    )


def custom_parameters(fields: dict[str, FieldValue]) -> dict[str, str]:
    """The ParameterN pairs as a name -> value mapping, in index order (for the stream's `start`)."""
    names: dict[int, str] = {}
    values: dict[int, str] = {}
    for key, value in fields.items():
        if m := _PARAM_KEY.match(key):
            (names if m.group(2) == "Name" else values)[int(m.group(1))] = str(value)
    return {names[i]: values.get(i, "") for i in sorted(names)}


def boolean(value: FieldValue) -> bool:
    return value if isinstance(value, bool) else _BOOLEAN_WORDS.get(str(value), False)
