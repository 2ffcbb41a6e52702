"""Valid create requests over the whole must-accept space (see `conformance.contract.rules.POSITIONS`)."""

from __future__ import annotations

from hypothesis import strategies as st

from ._request import Encoding, StreamRequest
from ._values import (
    FORM_SPECIALS,
    INNER_WHITESPACE,
    NON_BMP,
    bearer_tokens,
    callback_urls,
    custom_parameter_indices,
    enum_members,
    names,
    param_names,
    param_values,
    wss_urls,
)

encodings = st.sampled_from(["form", "json"])


def _optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), strategy)


# built once: every valid request draws from these, and building them cost as much as drawing
_OPTIONAL = {key: _optional(strategy) for key, strategy in {
    "Name": names,
    "Track": enum_members("Track"),
    "StatusCallback": callback_urls,
    "StatusCallbackMethod": enum_members("StatusCallbackMethod"),
    "StreamCodec": enum_members("StreamCodec"),
    "StreamRealTime": st.booleans(),
    "AuthorizationBearerToken": bearer_tokens,
}.items()}
_INDICES = custom_parameter_indices()


@st.composite
def stream_fields(draw: st.DrawFn) -> dict:
    """The body of a valid request: `Url` always, every other field present or absent."""
    fields = {"Url": draw(wss_urls)}
    for key, strategy in _OPTIONAL.items():
        value = draw(strategy)
        if value is not None:
            fields[key] = value
    seen: set[str] = set()
    for index in draw(_INDICES):  # complete pairs, distinct names (the rest is open)
        name = draw(param_names)
        name = name if name not in seen else f"{name}{index}"
        seen.add(name)
        fields[f"Parameter{index}.Name"] = name
        fields[f"Parameter{index}.Value"] = draw(param_values)
    return fields


def stream_requests(encoding: Encoding | None = None) -> st.SearchStrategy[StreamRequest]:
    """Valid requests; `encoding` fixes form or JSON, else both are drawn."""
    chosen = encodings if encoding is None else st.just(encoding)
    return st.builds(lambda fields, enc: StreamRequest(fields=fields, encoding=enc), stream_fields(), chosen)


_BOUNDARY_TEXTS = {"text-inner-whitespace": INNER_WHITESPACE, "text-non-bmp": NON_BMP,
                   "text-form-specials": FORM_SPECIALS}
BOUNDARY_CLASS_IDS = (*_BOUNDARY_TEXTS, "text-empty-value", "bearer-token68")
"""The must-accept text classes of the registry (`conformance.contract.rules.POSITIONS`)."""


@st.composite
def _at_boundary(draw: st.DrawFn, class_id: str, encoding: Encoding | None) -> StreamRequest:
    base = draw(stream_requests(encoding))
    fields = {k: v for k, v in base.fields.items() if not k.startswith("Parameter")}
    if class_id == "bearer-token68":
        fields["AuthorizationBearerToken"] = draw(bearer_tokens.filter(lambda t: any(c in t for c in "+/=")))
    elif class_id == "text-empty-value":
        fields.update({"Parameter1.Name": "empty", "Parameter1.Value": ""})
    else:
        text = draw(st.sampled_from(_BOUNDARY_TEXTS[class_id]))
        fields.update({"Name": text, "Parameter1.Name": text, "Parameter1.Value": text})
    return StreamRequest(fields=fields, encoding=base.encoding, reason=f"a valid request ({class_id})")


def boundary_stream_requests(class_id: str, encoding: Encoding | None = None) -> st.SearchStrategy[StreamRequest]:
    """Valid requests whose text sits at one must-accept boundary, in every text field it fits (Name,
    a parameter's name and value, the bearer token): the server must take it and echo it exactly."""
    if class_id not in BOUNDARY_CLASS_IDS:
        raise ValueError(f"no boundary class {class_id!r}; known: {', '.join(BOUNDARY_CLASS_IDS)}")
    return _at_boundary(class_id, encoding)
