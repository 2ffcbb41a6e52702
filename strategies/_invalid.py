"""Invalid create requests: a valid request with exactly one rule broken, and labelled with it."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import strategies as st

from conformance.contract import document as contract
from conformance.contract import rules

from ._request import StreamRequest
from ._valid import stream_requests
from ._values import SAFE_TEXT, absolute_urls, hosts

_WHITESPACE = st.sampled_from([" ", "\t", "\n", "\r\n"])
_PARAM_KEY = re.compile(r"^Parameter(\d+)\.(Name|Value)$")


def _flip_case(value: str) -> st.SearchStrategy[str]:
    """Case variants of an enum member that differ from it (`both_Tracks`, `post`, `pcmu`)."""
    letters = [i for i, ch in enumerate(value) if ch.isalpha()]

    def apply(mask: list[bool]) -> str:
        chars = list(value)
        for i, flip in zip(letters, mask, strict=True):
            if flip:
                chars[i] = chars[i].swapcase()
        return "".join(chars)

    mask = st.lists(st.booleans(), min_size=len(letters), max_size=len(letters)).filter(any)
    return st.one_of(st.sampled_from([value.upper(), value.lower(), value.title()]).filter(lambda v: v != value),
                     mask.map(apply))


def _near_miss(value: str, members: set[str]) -> bool:
    """Differs from an enum member only in letter case or surrounding whitespace: the SHOULD rules'
    ground (track-case and its kin, enum-whitespace), never the MUST enum rules'."""
    return value.strip().casefold() in members


def _outside_enum(field: str) -> st.SearchStrategy[str]:
    members = {m.casefold() for m in contract.enum_values(field)}
    # one letter off first (the simplest draw, and the most telling: a fuzzy matcher takes it)
    near = {"Track": ["both_trackz", "both", "inbound", "track", "both-tracks", "all_tracks"],
            "StatusCallbackMethod": ["POSTT", "PUT", "DELETE", "PATCH", "HEAD", "G E T"],
            "StreamCodec": ["PCMX", "OPUS", "G722", "L16@8000h", "L16@16000", "PCM", "mulaw", "L24"]}[field]
    return st.one_of(st.sampled_from(near + [""]), st.text(SAFE_TEXT, max_size=20)).filter(
        lambda v: not _near_miss(v, members)
    )


_ENUM_PADDING = st.sampled_from([" ", "\t", "\n", "\r\n", "  "])


@st.composite
def _padded_enum_value(draw: st.DrawFn) -> tuple[str, str]:
    """(field, an enum value with whitespace at one end or both): trailing space first, the commonest slip."""
    field = draw(st.sampled_from(contract.ENUM_FIELDS))
    value = draw(st.sampled_from(contract.enum_values(field)))
    where = draw(st.sampled_from(["trailing", "leading", "both"]))
    pad = draw(_ENUM_PADDING)
    return field, {"trailing": value + pad, "leading": pad + value, "both": pad + value + pad}[where]


def _enum_whitespace(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    field, value = draw(_padded_enum_value())
    return replace(base.with_fields({field: value}),
                   reason=f"{field} {value!r} differs from its enum only in surrounding whitespace")


_URL_REQUIRED = st.sampled_from([None, ""])
_URL_OTHER_SCHEME = st.one_of(
    absolute_urls(st.sampled_from(["ws", "http", "https", "ftp", "wsss", "tcp", "sip", "file"])),
    st.sampled_from(
        ["mailto:stream@example.com", "data:text/plain,hi", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"]
    ),
)
_URL_NOT_ABSOLUTE = st.one_of(
    st.sampled_from(["/stream", "stream", "./stream", "../stream", "?q=1", "#frag", "wss:stream", "wss:/stream"]),
    hosts.map(lambda h: f"//{h}/stream"),
    hosts.map(lambda h: f"{h}/stream"),
)
# the subtle case first (rfc3986 sees an authority, so a host, where there is none to dial): the simplest draw
_URL_WITHOUT_HOST = st.sampled_from(["wss://:443/path", "wss:///path", "wss://", "wss://@/path", "wss://:8443"])


@st.composite
def _url_with_whitespace(draw: st.DrawFn) -> str:
    url = draw(absolute_urls(st.just("wss")))
    where = draw(st.sampled_from(["leading", "trailing", "embedded"]))
    space = draw(_WHITESPACE)
    if where == "leading":
        return space + url
    if where == "trailing":
        return url + space
    cut = draw(st.integers(len("wss://") + 1, len(url)))
    return url[:cut] + space + url[cut:]


_URL_GARBAGE = st.one_of(
    _url_with_whitespace(),
    # hosts nobody owns even here: a lenient server might still dial what it should have refused
    st.sampled_from(["not a url", "wss://[::zz]/", "wss://host.invalid:99999/", "wss://host.invalid:port/",
                     "wss://exa%mple.example/", "wss://[2001:db8::1/", "wss://ex ample.example/", "%%%",
                     "wss://host.invalid:-1/"]),
)
_CALLBACK_BAD = st.one_of(
    absolute_urls(st.sampled_from(["ftp", "wss", "ws", "file", "gopher"])),
    st.sampled_from(["not a url", "/relative/callback", "callback", "http://", "https:///path", "https:path",
                     "mailto:ops@example.com", " https://cb.example/cb", "https://cb.example/c b", ""]),
)
_REALTIME_FORM = st.sampled_from(["yes", "no", "1", "0", "True", "FALSE", "on", "", "maybe", "t"])
_REALTIME_JSON = st.one_of(_REALTIME_FORM, st.sampled_from([1, 0, 2.5, None, [], {}]))


def _set(field: str, values: st.SearchStrategy, reason: str):
    def breaker(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
        value = draw(values)
        return replace(base.with_fields({field: value}), reason=reason.format(value=value))

    return breaker


def _realtime(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    value = draw(_REALTIME_JSON if base.encoding == "json" else _REALTIME_FORM)
    # set directly: `with_fields` reads None as "remove", and a JSON null must stay on the wire
    fields = {**base.fields, "StreamRealTime": value}
    return replace(base, fields=fields, reason=f"StreamRealTime is {value!r}, not a boolean")


def _url_required(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    value = draw(_URL_REQUIRED)
    fields = {k: v for k, v in base.fields.items() if k != "Url"}
    if value is not None:
        fields["Url"] = value
    return replace(base, fields=fields, reason="Url is missing" if value is None else "Url is empty")


def _params_over_limit(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    limit = contract.max_custom_parameters()
    fields = {k: v for k, v in base.fields.items() if not _PARAM_KEY.match(k)}
    if not draw(st.booleans()):  # shrinks to this branch: one parameter numbered past the limit
        index = draw(st.one_of(st.just(limit + 1), st.just(limit + 2), st.integers(limit + 1, 10**6)))
        kept = {k: v for k, v in base.fields.items() if _PARAM_KEY.match(k)}
        fields.update(kept)
        fields[f"Parameter{index}.Name"] = "extra"
        fields[f"Parameter{index}.Value"] = "over the limit"
        reason = f"a custom parameter numbered {index} (the limit is {limit})"
    else:
        count = draw(st.integers(limit + 1, limit + 50))
        for i in range(1, count + 1):
            fields[f"Parameter{i}.Name"] = f"p{i}"
            fields[f"Parameter{i}.Value"] = f"v{i}"
        reason = f"{count} custom parameters (the limit is {limit})"
    return replace(base, fields=fields, reason=reason)


_STRING_FIELDS = ("Url", "Name", "StatusCallback", "AuthorizationBearerToken", "Track", "StatusCallbackMethod",
                  "StreamCodec", "Parameter1.Name", "Parameter1.Value")
# a one-element array first: the most telling (some parameter parsers read it as its element)
_NOT_STRINGS = st.sampled_from([["wss://example.com/stream"], 5, True, {"value": "x"}, 0, False, 1.5, [], {}])


def _json_not_string(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    """One string field as another JSON type (null is left out: a server may read it as absent)."""
    key, value = draw(st.sampled_from(_STRING_FIELDS)), draw(_NOT_STRINGS)
    fields = {**base.fields, key: value}
    if key.startswith("Parameter1."):  # keep the pair complete: only the type is wrong
        fields.setdefault("Parameter1.Value" if key.endswith("Name") else "Parameter1.Name", "p1")
    return replace(base, fields=fields, encoding="json", reason=f"{key} is {value!r} in JSON, not a string")


def _json_text(base: StreamRequest) -> str:
    import json

    return json.dumps(base.fields, ensure_ascii=False)


# breadth by principle (issue 18): the body as a whole. The simplest draw first: the most plausible mistake
_MALFORMED_JSON = st.sampled_from(["truncated", "trailing-comma", "single-quotes", "bare-word", "form-as-json"])


def _json_malformed(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    text, kind = _json_text(base), draw(_MALFORMED_JSON)
    raw = {"truncated": text[:-1], "trailing-comma": text[:-1] + ",}", "single-quotes": text.replace('"', "'"),
           "bare-word": text[:-1] + ", Track: both_tracks}",
           "form-as-json": base.to_form().decode("ascii")}[kind]
    return replace(base, encoding="json", raw_body=raw.encode("utf-8"), reason=f"a JSON body with bad syntax ({kind})")


_NOT_OBJECTS = st.sampled_from(["array", "string", "number", "true", "null"])


def _json_not_object(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    kind = draw(_NOT_OBJECTS)
    raw = {"array": "[" + _json_text(base) + "]", "string": '"' + base.fields["Url"] + '"', "number": "1",
           "true": "true", "null": "null"}[kind]
    return replace(base, encoding="json", raw_body=raw.encode("utf-8"), reason=f"a JSON body that is a {kind}")


_BREAKERS = {
    "url-required": _url_required,
    "url-scheme-wss": _set("Url", _URL_OTHER_SCHEME, "Url {value!r} is not a wss URL"),
    "url-absolute": _set("Url", _URL_NOT_ABSOLUTE, "Url {value!r} is not an absolute URL"),
    "url-host": _set("Url", _URL_WITHOUT_HOST, "Url {value!r} has no host"),
    "url-well-formed": _set("Url", _URL_GARBAGE, "Url {value!r} is not a well-formed URL"),
    "track-enum": _set("Track", _outside_enum("Track"), "Track {value!r} is outside its enum"),
    "track-case": _set("Track", st.sampled_from(contract.enum_values("Track")).flatmap(_flip_case),
                       "Track {value!r} differs from its enum only in case"),
    "callback-method-enum": _set("StatusCallbackMethod", _outside_enum("StatusCallbackMethod"),
                                 "StatusCallbackMethod {value!r} is outside GET/POST"),
    "callback-method-case": _set("StatusCallbackMethod",
                                 st.sampled_from(contract.enum_values("StatusCallbackMethod")).flatmap(_flip_case),
                                 "StatusCallbackMethod {value!r} differs from GET/POST only in case"),
    "codec-enum": _set("StreamCodec", _outside_enum("StreamCodec"), "StreamCodec {value!r} is outside its enum"),
    "codec-case": _set("StreamCodec", st.sampled_from(contract.enum_values("StreamCodec")).flatmap(_flip_case),
                       "StreamCodec {value!r} differs from its enum only in case"),
    "enum-whitespace": _enum_whitespace,
    "custom-params-max": _params_over_limit,
    "status-callback-url": _set("StatusCallback", _CALLBACK_BAD,
                                "StatusCallback {value!r} is not an absolute http(s) URL"),
    "stream-realtime-boolean": _realtime,
    "json-string-type": _json_not_string,
    "body-json-malformed": _json_malformed,
    "body-not-object": _json_not_object,
}
BODY_RULE_IDS = tuple(_BREAKERS)


@st.composite
def _broken(draw: st.DrawFn, rule_id: str, base: st.SearchStrategy[StreamRequest]) -> StreamRequest:
    request = _BREAKERS[rule_id](draw(base), draw)
    return replace(request, rule_ids=(rule_id,))


def invalid_stream_requests(rule: str | None = None, encoding=None) -> st.SearchStrategy[StreamRequest]:
    """Requests that break exactly one body rule (all of them, or the one named), labelled with it."""
    if rule is not None and rule not in _BREAKERS:
        known = rules.RULES.get(rule)
        hint = " (a request-level rule: use request_level_cases)" if known and known.breakable else ""
        raise ValueError(f"no body strategy breaks rule {rule!r}{hint}; body rules: {', '.join(_BREAKERS)}")
    base = stream_requests(encoding)
    chosen = [rule] if rule else list(_BREAKERS)
    return st.one_of([_broken(rule_id, base) for rule_id in chosen])


_RULE_FIELD = {
    "url-required": "Url", "url-scheme-wss": "Url", "url-absolute": "Url", "url-host": "Url", "url-well-formed": "Url",
    "track-enum": "Track", "track-case": "Track",
    "callback-method-enum": "StatusCallbackMethod", "callback-method-case": "StatusCallbackMethod",
    "codec-enum": "StreamCodec", "codec-case": "StreamCodec",
    "status-callback-url": "StatusCallback", "stream-realtime-boolean": "StreamRealTime",
}


def broken_fields(request: StreamRequest) -> set[str]:
    """The body fields whose values break the request's rule: drop them and it breaks nothing."""
    broken = {_RULE_FIELD[r] for r in request.rule_ids if r in _RULE_FIELD}
    if "enum-whitespace" in request.rule_ids:
        broken |= {k for k in contract.ENUM_FIELDS
                   if isinstance(request.fields.get(k), str) and request.fields[k] != request.fields[k].strip()}
    if "json-string-type" in request.rule_ids:
        broken |= {k for k in _STRING_FIELDS if k in request.fields and not isinstance(request.fields[k], str)}
    if "custom-params-max" in request.rule_ids:
        broken |= {k for k in request.fields if _PARAM_KEY.match(k)}
    return broken


def repaired(request: StreamRequest) -> StreamRequest:
    """The same request with its broken rule mended, everything else untouched."""
    fields = dict(request.fields)
    changes = {"authorization": None, "account_sid": None, "conference_sid": None, "raw_body": None,
               "content_type_override": None, "path_case": None}
    for rule_id in request.rule_ids:
        field = _RULE_FIELD.get(rule_id)
        if field == "Url":
            fields["Url"] = "wss://media.example/stream"
        elif field is not None:
            fields.pop(field, None)
        elif rule_id == "json-string-type":
            bad = {k for k in _STRING_FIELDS if k in fields and not isinstance(fields[k], str)}
            if bad & {"Parameter1.Name", "Parameter1.Value"}:
                bad |= {"Parameter1.Name", "Parameter1.Value"}
            fields = {k: v for k, v in fields.items() if k not in bad}
            fields.setdefault("Url", "wss://example.com/stream")
        elif rule_id == "enum-whitespace":
            fields = {k: v.strip() if k in contract.ENUM_FIELDS and isinstance(v, str) else v
                      for k, v in fields.items()}
        elif rule_id == "custom-params-max":
            limit = contract.max_custom_parameters()
            fields = {k: v for k, v in fields.items() if not ((m := _PARAM_KEY.match(k)) and int(m.group(1)) > limit)}
    return replace(request, fields=fields, rule_ids=(), reason="repaired", **changes)
