"""Building blocks: the valid values of each field, as Hypothesis strategies."""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.contract import document as contract

# Labels that IDNA 2008 accepts; arbitrary Unicode would not be a valid host, and the label must
# stay true by construction.
IDN_LABELS = ("bücher", "münchen", "café", "例え", "пример", "δοκιμή", "españa")
_LABEL = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?\Z")
_TLD = st.sampled_from(["com", "net", "example", "io", "dev"])
_IPV6 = st.sampled_from(["[::1]", "[2001:db8::1]", "[fe80::1ff:fe23:4567:890a]", "[2001:db8:85a3::8a2e:370:7334]"])
_IPV4 = st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: ".".join(map(str, t)))
_PATH_CHARS = st.characters(categories=("Ll", "Lu", "Nd"), max_codepoint=127) | st.sampled_from("-._~")
_SEGMENT = st.text(_PATH_CHARS, min_size=1, max_size=12)
SAFE_TEXT = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))

hosts = st.one_of(
    st.tuples(st.lists(_LABEL, min_size=1, max_size=3), _TLD).map(lambda t: ".".join([*t[0], t[1]])),
    st.tuples(st.sampled_from(IDN_LABELS), _TLD).map(".".join),
    _IPV4,
    _IPV6,
    st.just("localhost"),
)


def absolute_urls(scheme: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    port = st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}"))
    path = st.lists(_SEGMENT, max_size=4).map(lambda segs: "/" + "/".join(segs) if segs else "")
    query = st.one_of(st.just(""), st.tuples(_SEGMENT, _SEGMENT).map(lambda kv: f"?{kv[0]}={kv[1]}"))
    return st.builds(lambda s, h, p, pa, q: f"{s}://{h}{p}{pa}{q}", scheme, hosts, port, path, query)


wss_urls = absolute_urls(st.just("wss"))
callback_urls = absolute_urls(st.sampled_from(["https", "http"]))
names = st.text(SAFE_TEXT, min_size=1, max_size=40).filter(lambda s: s.strip() == s and s != "")
bearer_tokens = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"),
                        min_size=16, max_size=64).map(lambda t: "bt_" + t)
param_names = st.text(SAFE_TEXT, min_size=1, max_size=20)
param_values = st.text(SAFE_TEXT, max_size=30)


def enum_members(field: str) -> st.SearchStrategy[str]:
    return st.sampled_from(contract.enum_values(field))


@st.composite
def custom_parameter_indices(draw: st.DrawFn) -> list[int]:
    """0 to 99 distinct indices in 1..99, with gaps; exactly 99 (every slot) is drawn often."""
    limit = contract.max_custom_parameters()
    count = draw(st.one_of(st.just(0), st.integers(1, 4), st.integers(0, limit), st.just(limit)))
    order = draw(st.permutations(range(1, limit + 1)))
    return sorted(order[:count])
