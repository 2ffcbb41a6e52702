"""Building blocks: the valid values of each field, as Hypothesis strategies.

Valid values are drawn from must-accept space only (`conformance.contract.rules.POSITIONS`): RFC 3986
URLs on DNS names, without query strings. Every host the suite puts in a Url or StatusCallback is one
nobody owns: reserved names (RFC 2606, RFC 6761) and, for the open points that need an address, the
documentation ranges of RFC 5737 and RFC 3849.
"""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.contract import document as contract

# Reserved for documentation and testing: no one can own a host under these (RFC 2606, RFC 6761).
RESERVED_SUFFIXES = ("example", "test", "invalid", "example.com", "example.net", "example.org")
# Labels that IDNA 2008 accepts; arbitrary Unicode would not be a valid host, and the label must
# stay true by construction. Valid requests send them in their ASCII form; the Unicode form is open.
IDN_LABELS = ("bücher", "münchen", "café", "例え", "пример", "δοκιμή", "españa")
IDN_ASCII = tuple(label.encode("idna").decode("ascii") for label in IDN_LABELS)
DOCUMENTATION_IPV4 = ("192.0.2.10", "198.51.100.7", "203.0.113.254")
DOCUMENTATION_IPV6 = ("[2001:db8::1]", "[2001:db8:85a3::8a2e:370:7334]")
_LABEL = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?\Z")
_SUFFIX = st.sampled_from(RESERVED_SUFFIXES)
_PATH_CHARS = st.characters(categories=("Ll", "Lu", "Nd"), max_codepoint=127) | st.sampled_from("-._~")
_SEGMENT = st.text(_PATH_CHARS, min_size=1, max_size=12)
SAFE_TEXT = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))

hosts = st.one_of(
    st.tuples(st.lists(_LABEL, min_size=1, max_size=3), _SUFFIX).map(lambda t: ".".join([*t[0], t[1]])),
    st.tuples(st.sampled_from(IDN_ASCII), _SUFFIX).map(".".join),
)
"""Must-accept hosts: DNS names under a reserved suffix, internationalised labels in xn-- form."""
iri_hosts = st.tuples(st.sampled_from(IDN_LABELS), _SUFFIX).map(".".join)
ip_literals = st.sampled_from(DOCUMENTATION_IPV4 + DOCUMENTATION_IPV6)


def absolute_urls(scheme: st.SearchStrategy[str], host: st.SearchStrategy[str] = hosts,
                  query: bool = False) -> st.SearchStrategy[str]:
    """`scheme://host[:port][/path]`; `query=True` always adds a query string (an open point)."""
    port = st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}"))
    path = st.lists(_SEGMENT, max_size=4).map(lambda segs: "/" + "/".join(segs) if segs else "")
    queries = st.tuples(_SEGMENT, _SEGMENT).map(lambda kv: f"?{kv[0]}={kv[1]}") if query else st.just("")
    return st.builds(lambda s, h, p, pa, q: f"{s}://{h}{p}{pa}{q}", scheme, host, port, path, queries)


def is_reserved_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == s or host.endswith("." + s) for s in RESERVED_SUFFIXES)


wss_urls = absolute_urls(st.just("wss"))
callback_urls = absolute_urls(st.sampled_from(["https", "http"]))


def _plain(text: str) -> bool:
    """Must-accept text: no whitespace at either end (an open point)."""
    return text.strip() == text


# Boundaries every text field must take as it is (the must-accept text classes of the registry)
INNER_WHITESPACE = ("a b", "a  b", "a\u00a0b", "a\u3000b")  # a tab is a control character: open
NON_BMP = ("🎧 stream", "𝄞", "a😀b", "\U0001f3b5\U0001f3b6")
FORM_SPECIALS = ("a+b %41 100%", "a+b", "100%", "%41", "a&b=c", "x;y", "+%2B+", "50% + 50%")
BOUNDARY_TEXT = INNER_WHITESPACE + NON_BMP + FORM_SPECIALS

names = st.one_of(st.sampled_from(BOUNDARY_TEXT), st.text(SAFE_TEXT, min_size=1, max_size=40).filter(_plain))
bearer_tokens = st.builds(
    lambda body, pad: "bt_" + body + pad,
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/"),
            min_size=16, max_size=64),
    st.sampled_from(["", "=", "=="]),
)
param_names = st.one_of(st.sampled_from(BOUNDARY_TEXT), st.text(SAFE_TEXT, min_size=1, max_size=20).filter(_plain))
param_values = st.one_of(st.sampled_from(("",) + BOUNDARY_TEXT), st.text(SAFE_TEXT, max_size=30).filter(_plain))


def enum_members(field: str) -> st.SearchStrategy[str]:
    return st.sampled_from(contract.enum_values(field))


@st.composite
def custom_parameter_indices(draw: st.DrawFn) -> list[int]:
    """0 to 99 distinct indices in 1..99, with gaps; exactly 99 (every slot) is drawn often."""
    limit = contract.max_custom_parameters()
    count = draw(st.one_of(st.just(0), st.integers(1, 4), st.integers(0, limit), st.just(limit)))
    order = draw(st.permutations(range(1, limit + 1)))
    return sorted(order[:count])
