"""Valid create requests over the whole documented space."""

from __future__ import annotations

from hypothesis import strategies as st

from ._request import Encoding, StreamRequest
from ._values import (
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


@st.composite
def stream_fields(draw: st.DrawFn) -> dict:
    """The body of a valid request: `Url` always, every other field present or absent."""
    fields = {"Url": draw(wss_urls)}
    optional = {
        "Name": names,
        "Track": enum_members("Track"),
        "StatusCallback": callback_urls,
        "StatusCallbackMethod": enum_members("StatusCallbackMethod"),
        "StreamCodec": enum_members("StreamCodec"),
        "StreamRealTime": st.booleans(),
        "AuthorizationBearerToken": bearer_tokens,
    }
    for key, strategy in optional.items():
        value = draw(_optional(strategy))
        if value is not None:
            fields[key] = value
    for index in draw(custom_parameter_indices()):
        fields[f"Parameter{index}.Name"] = draw(param_names)
        fields[f"Parameter{index}.Value"] = draw(param_values)
    return fields


def stream_requests(encoding: Encoding | None = None) -> st.SearchStrategy[StreamRequest]:
    """Valid requests; `encoding` fixes form or JSON, else both are drawn."""
    chosen = encodings if encoding is None else st.just(encoding)
    return st.builds(lambda fields, enc: StreamRequest(fields=fields, encoding=enc), stream_fields(), chosen)
