"""The members of the dimension model's classes: fixed requests, each sent once, so that a class counts
as covered only when every one of its kinds went out (`conformance.contract.dimensions`).

A class whose kinds are drawn by an older strategy (a rule's breaker, an open point's opener) is
enumerated here too when drawing could miss a kind (`url-ip-literal` drew 2 of its 5 addresses and could
miss both IPv6 ones). Every member carries its class's label: must-reject ones the rule, open ones the
open point, must-accept ones the rule that judges them (`accepted_by`).

Safety: the largest body here is `LARGE_BODY_BYTES` (64 KiB), the size of an ordinary web form post; it
is sent once per run, through the run's governor (rate and budget) like every other request. Nothing here
names a host anyone owns: reserved names and documentation addresses only (`_values`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import quote_plus

from hypothesis import strategies as st

from ._request import StreamRequest
from ._values import DOCUMENTATION_IPV4, DOCUMENTATION_IPV6

LARGE_BODY_BYTES = 64 * 1024
"""The largest body the suite sends, to any target: 64 KiB (see the module's docstring)."""
DEEP_LEVELS = 5000
_URL = "wss://media.example.com/dimension"
_FORM = "application/x-www-form-urlencoded"


def _form(fields: dict, **label) -> StreamRequest:
    return StreamRequest(fields={"Url": _URL, **fields}, encoding="form", **label)


def _raw(body: bytes, content_type: str, fields: dict | None = None, encoding="form", **label) -> StreamRequest:
    return StreamRequest(fields=fields if fields is not None else {"Url": _URL}, encoding=encoding, raw_body=body,
                         content_type_override=content_type, **label)


def _form_bytes(pairs: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs).encode("ascii")


_URL_FORM = _form_bytes([("Url", _URL)])
_URL_JSON = json.dumps({"Url": _URL}).encode()


def _content_type_variants() -> dict[str, StreamRequest]:
    label = {"accepted_by": "accept-content-type-forms"}
    members = {kind: _raw(_URL_FORM, ct, **label) for kind, ct in (
        ("charset-utf8", f"{_FORM}; charset=UTF-8"),
        ("charset-lower-nospace", f"{_FORM};charset=utf-8"),
        ("upper", _FORM.upper()),
        ("mixed", "Application/X-WWW-Form-Urlencoded"),
    )}
    members["json-charset"] = _raw(_URL_JSON, "application/json; charset=utf-8", encoding="json",
                                   accepted_by="accept-valid-json")
    return members


def _content_type_other() -> dict[str, StreamRequest]:
    label = {"open_point": "content-type-other"}
    return {
        "text-plain": _raw(_URL_FORM, "text/plain", **label),
        "octet-stream": _raw(_URL_FORM, "application/octet-stream", **label),
        "multipart": _raw(b"--b\r\nContent-Disposition: form-data; name=\"Url\"\r\n\r\n" + _URL.encode()
                          + b"\r\n--b--\r\n", "multipart/form-data; boundary=b", **label),
        "xml": _raw(b"<Stream><Url>" + _URL.encode() + b"</Url></Stream>", "application/xml", **label),
        "json-labelled-form": _raw(_URL_JSON, _FORM, **label),
    }


def _duplicate_keys() -> dict[str, StreamRequest]:
    bad, good = "ws://first.example.com/s", _URL  # first-wins refuses, last-wins accepts: both conform
    json_label, form_label = {"open_point": "json-duplicate-keys"}, {"open_point": "form-duplicate-keys"}
    return {
        "json:url-twice": _raw(f'{{"Url": "{bad}", "Url": "{good}"}}'.encode(), "application/json",
                               encoding="json", **json_label),
        "json:track-twice": _raw(f'{{"Url": "{good}", "Track": "inbound_track", "Track": "both_tracks"}}'.encode(),
                                 "application/json", encoding="json", **json_label),
        "form:url-twice": _raw(_form_bytes([("Url", bad), ("Url", good)]), _FORM, **form_label),
        "form:track-twice": _raw(_form_bytes([("Url", good), ("Track", "inbound_track"), ("Track", "both_tracks")]),
                                 _FORM, **form_label),
    }


def _json_null() -> dict[str, StreamRequest]:
    return {field: StreamRequest(fields={"Url": _URL, field: None}, encoding="json", open_point="json-null-field")
            for field in ("Name", "StatusCallback", "Track")}


def _deep() -> dict[str, StreamRequest]:
    # in a field the document does not define (open), so that no string rule decides the answer
    head = '{"Url": "' + _URL + '", "Extra": '
    arrays = head + "[" * DEEP_LEVELS + '"x"' + "]" * DEEP_LEVELS + "}"
    objects = head + '{"a": ' * DEEP_LEVELS + "1" + "}" * DEEP_LEVELS + "}"
    label = {"open_point": "body-deep", "encoding": "json"}
    return {"arrays": _raw(arrays.encode(), "application/json", **label),
            "objects": _raw(objects.encode(), "application/json", **label)}


def _large() -> dict[str, StreamRequest]:
    prefix = _form_bytes([("Url", _URL), ("Parameter1.Name", "big"), ("Parameter1.Value", "")])
    value = "a" * (LARGE_BODY_BYTES - len(prefix))
    many = [("Url", _URL)] + [(f"X{i}", "1") for i in range(1, 1000)]
    label = {"open_point": "body-large"}
    return {"value-64k": _form({"Parameter1.Name": "big", "Parameter1.Value": value}, **label),
            "fields-1000": _raw(_form_bytes(many), _FORM, **label)}


def _bad_encoding() -> dict[str, StreamRequest]:
    label = {"open_point": "body-bad-encoding"}
    return {
        # in a parameter's value, which no check reads back (a Name would be judged by echo-name)
        "form-invalid-utf8": _raw(_URL_FORM + b"&Parameter1.Name=p&Parameter1.Value=%FF%FE", _FORM, **label),
        "form-bad-escape": _raw(_URL_FORM + b"&Parameter1.Name=p&Parameter1.Value=100%zz", _FORM, **label),
        "form-raw-latin1": _raw(_URL_FORM + b"&Parameter1.Name=p&Parameter1.Value=caf\xe9", _FORM, **label),
        "json-bom": _raw(b"\xef\xbb\xbf" + _URL_JSON, "application/json", encoding="json", **label),
        "json-utf16": _raw(_URL_JSON.decode().encode("utf-16"), "application/json", encoding="json", **label),
    }


def _empty_body() -> dict[str, StreamRequest]:
    label = {"rule_ids": ("url-required",), "fields": {}}
    return {"form-empty": _raw(b"", _FORM, reason="an empty form body", **label),
            "json-empty-object": _raw(b"{}", "application/json", encoding="json", reason="an empty JSON object",
                                      **label),
            "json-url-null": _raw(b'{"Url": null}', "application/json", encoding="json",
                                  reason="Url as JSON null (absent, or not a string: refused either way)", **label)}


def _ip_literals() -> dict[str, StreamRequest]:
    out = {}
    for address in DOCUMENTATION_IPV4 + DOCUMENTATION_IPV6:
        out[f"Url:{address}"] = StreamRequest(fields={"Url": f"wss://{address}/stream"},
                                              open_point="url-ip-literal")
        out[f"StatusCallback:{address}"] = StreamRequest(
            fields={"Url": _URL, "StatusCallback": f"https://{address}/status"}, open_point="url-ip-literal")
    return out


def _path_case() -> dict[str, StreamRequest]:
    return {f"{which}-upper": StreamRequest(fields={"Url": _URL}, path_case=which, open_point="path-sid-case")
            for which in ("account", "conference")}


def _from_breaker(rule_id: str, kinds_attr: str) -> Callable[[], dict[str, StreamRequest]]:
    """Every kind of a body-level breaker in `_invalid`, on one plain base body."""

    def build() -> dict[str, StreamRequest]:
        from . import _invalid

        breaker = _invalid._BREAKERS[rule_id]
        kinds = getattr(_invalid, kinds_attr).elements
        base = StreamRequest(fields={"Url": _URL, "Track": "both_tracks"}, encoding="json")
        out = {}
        for kind in kinds:
            request = breaker(base, lambda strategy, k=kind: k)  # the drawn kind, fixed
            out[kind] = replace(request, rule_ids=(rule_id,))
        return out

    return build


_BUILDERS: dict[str, Callable[[], dict[str, StreamRequest]]] = {
    "content-type-variants": _content_type_variants,
    "content-type-other": _content_type_other,
    "duplicate-keys": _duplicate_keys,
    "json-null-field": _json_null,
    "body-deep": _deep,
    "body-large": _large,
    "body-bad-encoding": _bad_encoding,
    "body-empty": _empty_body,
    "body-json-malformed": _from_breaker("body-json-malformed", "_MALFORMED_JSON"),
    "body-not-object": _from_breaker("body-not-object", "_NOT_OBJECTS"),
    "url-ip-literal-each": _ip_literals,
    "path-sid-case": _path_case,
}
MEMBER_CLASS_IDS = tuple(_BUILDERS)
"""The classes whose members this module enumerates (`conformance.contract.dimensions` names them)."""
_CACHE: dict[str, dict[str, StreamRequest]] = {}


def members(class_id: str) -> dict[str, StreamRequest]:
    """kind -> the one request that sends it, each labelled with its class's position."""
    if class_id not in _BUILDERS:
        raise ValueError(f"no members for class {class_id!r}; known: {', '.join(_BUILDERS)}")
    if class_id not in _CACHE:
        built = _BUILDERS[class_id]()
        _CACHE[class_id] = {kind: replace(request, member=(class_id, kind),
                                          reason=request.reason if request.reason != "a valid request"
                                          else f"{class_id}: {kind}") for kind, request in built.items()}
    return dict(_CACHE[class_id])


def dimension_cases(class_id: str) -> st.SearchStrategy[StreamRequest]:
    """A strategy over a class's members (for depth rounds and property tests)."""
    return st.sampled_from(list(members(class_id).values()))
