"""Requests in open space: either answer conforms, so only the universal rules judge them.

They are still sent (a server that crashes on them is found), each labelled with its open point
(`conformance.contract.rules.OPEN_POINTS`). `open_point_of(fields)` tells which open point, if any,
a body from elsewhere (Schemathesis's positive phase) falls into, so that it is not judged as valid.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from hypothesis import strategies as st

from conformance.contract import document as contract
from conformance.contract import rules

from ._credentials import VARIANTS
from ._request import StreamRequest
from ._request_level import auth_matrix_cases
from ._valid import stream_requests
from ._values import SAFE_TEXT, absolute_urls, hosts, ip_literals, iri_hosts, is_reserved_host

_PARAM_KEY = re.compile(r"^Parameter(\d+)\.(Name|Value)$")
_DNS_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")
_TOKEN68 = re.compile(r"\A[A-Za-z0-9\-._~+/]+=*\Z")
_ODD_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})
LONG_TEXT = 256
_URL_FIELDS = {"Url": st.just("wss"), "StatusCallback": st.sampled_from(["https", "http"])}


def _url_point(host: st.SearchStrategy[str], query: bool = False):
    def apply(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
        field = draw(st.sampled_from(sorted(_URL_FIELDS)))
        value = draw(absolute_urls(_URL_FIELDS[field], host, query=query))
        return base.with_fields({field: value})
    return apply


def _fragment(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    return base.with_fields({"Url": base.fields["Url"] + "#" + draw(st.sampled_from(["frag", "", "a/b?c"]))})


def _scheme_case(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    field = draw(st.sampled_from(sorted(_URL_FIELDS)))
    scheme = draw(st.sampled_from(["WSS", "Wss"] if field == "Url" else ["HTTPS", "Http"]))
    return base.with_fields({field: draw(absolute_urls(st.just(scheme)))})


def _free_slot(base: StreamRequest, draw: st.DrawFn) -> tuple[StreamRequest, int]:
    """An unused parameter index, freeing the last one when all 99 are taken."""
    limit = contract.max_custom_parameters()
    used = {int(m.group(1)) for k in base.fields if (m := _PARAM_KEY.match(k))}
    free = [i for i in range(1, limit + 1) if i not in used]
    if free:
        return base, draw(st.sampled_from(free))
    return base.with_fields({f"Parameter{limit}.Name": None, f"Parameter{limit}.Value": None}), limit


def _param_zero(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    return base.with_fields({"Parameter0.Name": "zero", "Parameter0.Value": draw(st.sampled_from(["0", "v"]))})


def _half_pair(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    (base, index), half = _free_slot(base, draw), draw(st.sampled_from(["Name", "Value"]))
    return base.with_fields({f"Parameter{index}.{half}": "half"})


def _duplicate_name(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    base, first = _free_slot(base, draw)
    base = base.with_fields({f"Parameter{first}.Name": "same", f"Parameter{first}.Value": "1"})
    others = [i for i in range(1, first) if f"Parameter{i}.Name" not in base.fields]
    second = draw(st.sampled_from(others)) if others else (1 if first != 1 else 2)  # all taken: reuse one
    return base.with_fields({f"Parameter{second}.Name": "same", f"Parameter{second}.Value": "2"})


def _unknown_field(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
    key = draw(st.sampled_from(["Foo", "StatusCallbackEvent", "X-Extra", "Parameter.Name", "Stream_Codec"]))
    return base.with_fields({key: draw(st.sampled_from(["1", "bar", ""]))})


# --- text boundaries: which field, and the text ------------------------------------------------
def _text_point(texts: st.SearchStrategy[str], fields=("Name", "Parameter.Name", "Parameter.Value", "Bearer")):
    def apply(base: StreamRequest, draw: st.DrawFn) -> StreamRequest:
        field, text = draw(st.sampled_from(fields)), draw(texts)
        if field == "Name":
            return base.with_fields({"Name": text}) if text else replace(base, fields={**base.fields, "Name": ""})
        if field == "Bearer":
            return replace(base, fields={**base.fields, "AuthorizationBearerToken": text})
        base, index = _free_slot(base, draw)
        pair = {"Parameter.Name": (text, "v"), "Parameter.Value": (f"k{index}", text)}[field]
        return replace(base, fields={**base.fields, f"Parameter{index}.Name": pair[0],
                                     f"Parameter{index}.Value": pair[1]})
    return apply


_EDGE = st.builds(lambda space, text, where: {"lead": space + text, "trail": text + space,
                                              "both": space + text + space}[where],
                  st.sampled_from([" ", "\t", "  ", "\u00a0", "\u3000"]),
                  st.text(SAFE_TEXT, min_size=1, max_size=10).filter(lambda t: t.strip() == t),
                  st.sampled_from(["trail", "both", "lead"]))  # a Name gets the run prefix in front
_CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x1f", "\x7f", "\n", "\r\n", "\t", "\u200b", "\ue000",
                            "\u2028"]).map(lambda c: f"a{c}b")  # inside: at an end it would be edge whitespace
_LONG = st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "é", "😀", "ab "]), st.integers(2000, 5000))
_NOT_TOKEN68 = st.sampled_from(["bt with space", "bt\"quoted\"", "bt,comma", "bt_ü", "bt=mid=dle", "bt:colon",
                                "bt@at", "=leading"])

_OPENERS = {
    "custom-param-zero": _param_zero,
    "custom-param-half-pair": _half_pair,
    "custom-param-duplicate-name": _duplicate_name,
    "unknown-fields": _unknown_field,
    "url-iri-host": _url_point(iri_hosts),
    "url-query": _url_point(hosts, query=True),
    "url-ip-literal": _url_point(ip_literals),
    "url-localhost": _url_point(st.just("localhost")),
    "url-fragment": _fragment,
    "url-scheme-case": _scheme_case,
    "text-empty": _text_point(st.just(""), fields=("Name", "Parameter.Name", "Bearer")),
    "text-edge-whitespace": _text_point(_EDGE),
    "text-control-chars": _text_point(_CONTROL),
    "text-very-long": _text_point(_LONG),
    "bearer-not-token68": _text_point(_NOT_TOKEN68, fields=("Bearer",)),
}
_AUTH_POINTS: dict[str, tuple[str, ...]] = {}
for _kind, _variant in VARIANTS.items():  # credential kinds whose position is an open point
    if _variant.judged_by in rules.OPEN_POINTS:
        _AUTH_POINTS.setdefault(_variant.judged_by, ())
        _AUTH_POINTS[_variant.judged_by] += (_kind,)
OPEN_POINT_IDS = (*_OPENERS, *_AUTH_POINTS)
"""The open points a strategy can reach (the others, e.g. problem-order, are about answers only)."""


@st.composite
def _opened(draw: st.DrawFn, point_id: str, base: st.SearchStrategy[StreamRequest]) -> StreamRequest:
    request = _OPENERS[point_id](draw(base), draw)
    return replace(request, open_point=point_id, reason=rules.open_point(point_id).title)


def open_stream_requests(point: str | None = None, encoding=None) -> st.SearchStrategy[StreamRequest]:
    """Requests in one open point (or any), labelled with it; judged only by the universal rules."""
    if point is not None and point not in OPEN_POINT_IDS:
        raise ValueError(f"no strategy reaches open point {point!r}; reachable: {', '.join(OPEN_POINT_IDS)}")
    chosen = [point] if point else list(OPEN_POINT_IDS)
    parts = []
    for point_id in chosen:
        if point_id in _AUTH_POINTS:
            parts.append(st.one_of([auth_matrix_cases(kind, encoding) for kind in _AUTH_POINTS[point_id]]))
        else:
            parts.append(_opened(point_id, stream_requests(encoding)))
    return st.one_of(parts)


# --- classifying a body from elsewhere --------------------------------------------------------
def _url_open_point(field: str, value: str) -> str | None:
    if not value.isascii():
        return "url-iri-host"
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        return None
    scheme = value.split(":", 1)[0] if parts.scheme else ""  # urlsplit lower-cases the scheme
    if scheme != scheme.lower():
        return "url-scheme-case"
    if parts.query or "?" in value:
        return "url-query"
    if parts.fragment or "#" in value:
        return "url-fragment"
    if host == "localhost" or host.endswith(".localhost"):
        return "url-localhost"
    if re.fullmatch(r"[0-9.]+", host) or ":" in host:
        return "url-ip-literal"
    return None


def _text_open_point(text: str, bearer: bool = False) -> str | None:
    if text == "":
        return "text-empty"
    if text.strip() != text:
        return "text-edge-whitespace"
    if any(unicodedata.category(ch) in _ODD_CATEGORIES for ch in text):
        return "text-control-chars"
    if len(text) > LONG_TEXT:
        return "text-very-long"
    if bearer and not _TOKEN68.match(text):
        return "bearer-not-token68"
    return None


def open_point_of(fields: Any) -> str | None:
    """The open point a request body falls into, or None when it is in must-accept (or must-reject) space."""
    if not isinstance(fields, dict):
        return None
    documented = set(contract.request_schema()["properties"])
    indices: dict[int, set[str]] = {}
    names: list[str] = []
    for key, value in fields.items():
        match = _PARAM_KEY.match(key)
        if match:
            indices.setdefault(int(match.group(1)), set()).add(match.group(2))
            if match.group(2) == "Name" and isinstance(value, str):
                names.append(value)
        elif key not in documented:
            return "unknown-fields"
    if 0 in indices:
        return "custom-param-zero"
    if any(len(halves) == 1 for halves in indices.values()):
        return "custom-param-half-pair"
    if len(names) != len(set(names)):
        return "custom-param-duplicate-name"
    for field in ("Url", "StatusCallback"):
        if isinstance(fields.get(field), str) and (point := _url_open_point(field, fields[field])):
            return point
    for key, value in fields.items():
        if isinstance(value, str) and (key == "Name" or key == "AuthorizationBearerToken" or _PARAM_KEY.match(key)):
            if key.endswith(".Value") and value == "":
                continue  # an empty value in a complete pair is must-accept
            point = _text_open_point(value, bearer=key == "AuthorizationBearerToken")
            if point:
                return point
    return None


_DOCUMENTATION_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"))


def has_unowned_host(url: str) -> bool:
    """True when a URL names a host someone may own: not a reserved name, not a documentation address."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    if not host or host == "localhost":
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # a name: dialable only if it is one (whitespace or % in it: nothing to dial)
        try:
            host = host.encode("idna").decode("ascii")  # an IRI host is dialable once mapped
        except UnicodeError:
            return False
        return bool(_DNS_NAME.fullmatch(host)) and not is_reserved_host(host)
    return not any(address in network for network in _DOCUMENTATION_NETWORKS)


def unowned_hosts_reserved(url: str) -> str:
    """The URL with a host someone may own moved under `.invalid` (an address: to a documentation one),
    everything else kept, so that a generated case keeps its shape and never points a real service at
    anyone. Used on what Schemathesis draws, which knows nothing of reserved names."""
    if not has_unowned_host(url):
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        replacement = "2001:db8::1" if ipaddress.ip_address(host).version == 6 else "192.0.2.1"
    except ValueError:
        replacement = host + ".invalid"
    userinfo, _, hostport = parts.netloc.rpartition("@")
    index = hostport.lower().find(host)
    if index < 0:
        return url
    hostport = hostport[:index] + replacement + hostport[index + len(host):]
    return parts._replace(netloc=f"{userinfo}@{hostport}" if userinfo else hostport).geturl()
