"""The input model: every dimension a create request has, and the classes along each.

Data only (and lookups). Each class has a position (must accept / must reject with its rule / open with its
open point, from `rules`), its basis quoted, the source that sends it, and its members: the kinds that
must each be sent once for the class to count as covered (sent, not sampled). An empty `members` means
the source draws the class's values (a generator whose every draw is a member).

`source` names what produces the requests (tests/test_dimensions.py resolves every one):
  members:<class>   strategies.members(<class>): fixed requests, one per kind
  rule:<rule>       the rule's breaker (strategies.invalid_stream_requests / request_level_cases)
  open:<point>      strategies.open_stream_requests(<point>)
  auth:<kinds>      strategies.auth_matrix_cases(<kind>), one per member kind
  text:<class>      strategies.boundary_stream_requests(<class>)
  valid             strategies.stream_requests (the must-accept space)
  planner:<step>    a coverage step of conformance/run/planner.py (enum_steps, boundary_steps)
  probe:<id>        a stateful probe (conformance/run/probes.py, sequence_probes.py)
  schemathesis:negative  Schemathesis's negative generation (the coverage set's case and its phases)
`coverage`: the members the coverage set (`--quick`) sends; the others go to the depth rounds.

When the documents leave a class in doubt it is OPEN, never must-accept; a 5xx on any class fails
no-server-error whatever its position.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rules import Position

A, R, O = Position.ACCEPT, Position.REJECT, Position.OPEN  # noqa: E741 - the table reads best with one letter


@dataclass(frozen=True)
class InputClassModel:
    id: str
    """`dimension/class`, unique."""
    position: Position
    judged_by: str
    """The rule (must accept, must reject) or the open point (open) that judges it."""
    source: str
    basis: str
    members: tuple[str, ...] = ()
    coverage: tuple[str, ...] | None = None
    """Members sent in the coverage set; None: all of them (or, with no members, the source's simplest)."""


@dataclass(frozen=True)
class Dimension:
    id: str
    title: str
    classes: tuple[InputClassModel, ...]


def _c(dimension, name, position, judged_by, source, basis, members=(), coverage=None) -> InputClassModel:
    return InputClassModel(f"{dimension}/{name}", position, judged_by, source, basis, tuple(members),
                           None if coverage is None else tuple(coverage))


_STR = "`type: string`"
_JSON_TYPES = ("json-string-type", "rule:json-string-type",
               "CreateConferenceStreamRequest: every field but StreamRealTime is `type: string`; RFC 8259 types")
_NULL = ("json-null-field", "members:json-null-field", "optional fields are not `nullable`; a reader may take null "
         "as absent")
_CT_BASIS = "Operation: `Content-Type: application/x-www-form-urlencoded`; requestBody: `application/json`"


def _enum_field(field: str, case_rule: str, enum_rule: str) -> Dimension:
    d = f"body.{field}"
    return Dimension(d, f"the {field} field", (
        _c(d, "absent", A, "accept-valid-form", "valid", f"{field} is optional (not in `required`)"),
        _c(d, "each-value", A, "accept-valid-form", "planner:enum_steps", f"{field}: `enum` (each value sent)"),
        _c(d, "other-case", R, case_rule, f"rule:{case_rule}", f"{field}: `enum` values are case-sensitive"),
        _c(d, "outside-enum", R, enum_rule, f"rule:{enum_rule}", f"{field}: `enum` (also empty, near misses)"),
        _c(d, "json-other-type", R, *_JSON_TYPES),
    ))


_URL_BASIS = ("Url: \"The only supported protocol is wss\"; `format: uri` (RFC 3986); the suite's decision: an "
              "absolute wss:// URL with a host")
_IP_MEMBERS = ("Url:192.0.2.10", "Url:198.51.100.7", "Url:203.0.113.254", "Url:[2001:db8::1]",
               "Url:[2001:db8:85a3::8a2e:370:7334]", "StatusCallback:192.0.2.10", "StatusCallback:198.51.100.7",
               "StatusCallback:203.0.113.254", "StatusCallback:[2001:db8::1]",
               "StatusCallback:[2001:db8:85a3::8a2e:370:7334]")
_NEAR_MISS_KINDS = ("token-empty", "token-truncated", "token-extended", "token-case", "token-one-off", "user-other",
                    "unknown-both", "scheme-bearer")
_PART_KINDS = ("parts-swapped", "user-empty", "both-empty", "token-as-both", "user-as-both", "token-extra-part",
               "user-padded", "token-padded")
_RFC7617 = ("SignalWireBasicAuth: \"The project ID will be used as the username and the API token as the "
            "password.\"; RFC 7617 section 2: user-id and password compared as given")

DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("body.Url", "the Url field", (
        _c("body.Url", "absent", R, "url-required", "rule:url-required", "`required: [Url]`"),
        _c("body.Url", "empty", R, "url-required", "rule:url-required", "`required: [Url]` (empty is no Url)"),
        _c("body.Url", "typical", A, "accept-valid-form", "valid", _URL_BASIS + "; rules.POSITIONS url-dns-reserved"),
        _c("body.Url", "idn-ascii", A, "accept-valid-form", "valid", "rules.POSITIONS url-idn-ascii (RFC 5891)"),
        _c("body.Url", "other-scheme", R, "url-scheme-wss", "rule:url-scheme-wss", _URL_BASIS),
        _c("body.Url", "relative", R, "url-absolute", "rule:url-absolute", _URL_BASIS),
        _c("body.Url", "no-host", R, "url-host", "rule:url-host", _URL_BASIS + "; RFC 3986 section 3.2.2"),
        _c("body.Url", "whitespace-garbage", R, "url-well-formed", "rule:url-well-formed", _URL_BASIS),
        _c("body.Url", "ip-literal", O, "url-ip-literal", "members:url-ip-literal-each",
           "RFC 3986 section 3.2.2 IP-literal / IPv4address; a service may refuse to dial addresses", _IP_MEMBERS[:5]),
        _c("body.Url", "localhost", O, "url-localhost", "open:url-localhost", "RFC 6761 section 6.3"),
        _c("body.Url", "iri-host", O, "url-iri-host", "open:url-iri-host", "RFC 3987: an IRI is not a URI"),
        _c("body.Url", "query", O, "url-query", "open:url-query",
           "stream.mdx: \"The url does not support query string parameters\""),
        _c("body.Url", "fragment", O, "url-fragment", "open:url-fragment", "RFC 6455 section 3; RFC 3986"),
        _c("body.Url", "scheme-case", O, "url-scheme-case", "open:url-scheme-case", "RFC 3986 section 3.1"),
        _c("body.Url", "json-other-type", R, *_JSON_TYPES),
        _c("body.Url", "json-null", R, "url-required", "members:body-empty",
           "`required: [Url]`: null is absent, or not a string; refused either way", ("json-url-null",)),
    )),
    Dimension("body.StatusCallback", "the StatusCallback field", (
        _c("body.StatusCallback", "absent", A, "accept-valid-form", "valid", "optional"),
        _c("body.StatusCallback", "typical", A, "accept-valid-form", "valid", "`format: uri`; http(s)"),
        _c("body.StatusCallback", "not-http-url", R, "status-callback-url", "rule:status-callback-url",
           "StatusCallback: `format: uri`; decision: an absolute http(s) URL (also empty, relative, no host)"),
        _c("body.StatusCallback", "ip-literal", O, "url-ip-literal", "members:url-ip-literal-each",
           "as for Url (the other open URL classes draw Url and StatusCallback alike)", _IP_MEMBERS[5:], coverage=()),
        _c("body.StatusCallback", "json-null", O, *_NULL, ("StatusCallback",), coverage=()),
    )),
    Dimension("body.Name", "the Name field (and ParameterN text, AuthorizationBearerToken text)", (
        _c("body.Name", "absent", A, "accept-valid-form", "valid", "optional; name: \"May be null\""),
        _c("body.Name", "empty", O, "text-empty", "open:text-empty", "no minLength; empty Name may be no name"),
        _c("body.Name", "inner-whitespace", A, "accept-valid-form", "text:text-inner-whitespace", _STR),
        _c("body.Name", "non-bmp", A, "accept-valid-form", "text:text-non-bmp", _STR + "; RFC 8259 any scalar"),
        _c("body.Name", "form-specials", A, "accept-valid-form", "text:text-form-specials", _STR),
        _c("body.Name", "edge-whitespace", O, "text-edge-whitespace", "open:text-edge-whitespace", _STR),
        _c("body.Name", "control-chars", O, "text-control-chars", "open:text-control-chars",
           _STR + "; RFC 9110 section 5.5 (header fields)"),
        _c("body.Name", "very-long", O, "text-very-long", "open:text-very-long", "no maxLength"),
        _c("body.Name", "json-other-type", R, *_JSON_TYPES),
        _c("body.Name", "json-null", O, *_NULL, ("Name",)),
    )),
    _enum_field("Track", "track-case", "track-enum"),
    _enum_field("StatusCallbackMethod", "callback-method-case", "callback-method-enum"),
    _enum_field("StreamCodec", "codec-case", "codec-enum"),
    Dimension("body.Track-null", "Track as JSON null", (
        _c("body.Track-null", "json-null", O, *_NULL, ("Track",), coverage=()),
    )),
    Dimension("body.StreamRealTime", "the StreamRealTime field", (
        _c("body.StreamRealTime", "boolean", A, "accept-valid-form", "valid", "`type: boolean`"),
        _c("body.StreamRealTime", "not-boolean", R, "stream-realtime-boolean", "rule:stream-realtime-boolean",
           "`type: boolean` (words, numbers, null, arrays, objects)"),
    )),
    Dimension("body.AuthorizationBearerToken", "the AuthorizationBearerToken field", (
        _c("body.AuthorizationBearerToken", "token68", A, "accept-valid-form", "text:bearer-token68",
           "RFC 6750 section 2.1 b64token"),
        _c("body.AuthorizationBearerToken", "not-token68", O, "bearer-not-token68", "open:bearer-not-token68",
           "RFC 6750 section 2.1"),
    )),
    Dimension("body.ParameterN", "the custom parameters", (
        _c("body.ParameterN", "within-1-99", A, "accept-valid-form", "planner:boundary_steps",
           "\"You can pass up to 99 custom parameters\" (Parameter1, Parameter99, all 99)"),
        _c("body.ParameterN", "past-99", R, "custom-params-max", "rule:custom-params-max", "\"up to 99\""),
        _c("body.ParameterN", "zero", O, "custom-param-zero", "open:custom-param-zero", "\"Parameter1 ... 99\""),
        _c("body.ParameterN", "half-pair", O, "custom-param-half-pair", "open:custom-param-half-pair",
           "ARCHITECTURE.md: no position"),
        _c("body.ParameterN", "duplicate-name", O, "custom-param-duplicate-name",
           "open:custom-param-duplicate-name", "nothing says names are distinct"),
        _c("body.ParameterN", "empty-value", A, "accept-valid-form", "text:text-empty-value", "no minLength"),
    )),
    Dimension("body", "the body as a whole", (
        _c("body", "empty", R, "url-required", "members:body-empty", "`required: [Url]`",
           ("form-empty", "json-empty-object"), coverage=("form-empty",)),
        _c("body", "unknown-fields", O, "unknown-fields", "open:unknown-fields", "no `additionalProperties`"),
        _c("body", "json-malformed", R, "body-json-malformed", "members:body-json-malformed",
           "RFC 8259 section 2; requestBody `application/json`",
           ("truncated", "trailing-comma", "single-quotes", "bare-word", "form-as-json"), coverage=()),
        _c("body", "json-not-object", R, "body-not-object", "members:body-not-object",
           "CreateConferenceStreamRequest: `type: object`", ("array", "string", "number", "true", "null"),
           coverage=()),
        _c("body", "json-duplicate-keys", O, "json-duplicate-keys", "members:duplicate-keys",
           "RFC 8259 section 4: names \"SHOULD be unique\"", ("json:url-twice", "json:track-twice"),
           coverage=("json:url-twice",)),
        _c("body", "form-duplicate-keys", O, "form-duplicate-keys", "members:duplicate-keys",
           "WHATWG form parsing keeps repeats; the document is silent", ("form:url-twice", "form:track-twice"),
           coverage=("form:url-twice",)),
        _c("body", "deep", O, "body-deep", "members:body-deep", "RFC 8259 section 9: depth limits allowed",
           ("arrays", "objects")),
        _c("body", "large", O, "body-large", "members:body-large",
           "no size in the document; RFC 9110 section 15.5.14 (413)", ("value-64k", "fields-1000"),
           coverage=("value-64k",)),
        _c("body", "bad-encoding", O, "body-bad-encoding", "members:body-bad-encoding",
           "RFC 8259 section 8.1 (UTF-8, BOM); form percent-decoding",
           ("form-invalid-utf8", "form-bad-escape", "form-raw-latin1", "json-bom", "json-utf16"),
           coverage=("form-invalid-utf8",)),
        _c("body", "several-problems", O, "problem-order", "schemathesis:negative",
           "ARCHITECTURE.md: the order problems are reported in has no position (Schemathesis's negative "
           "phase sends bodies with several)"),
    )),
    Dimension("header.Content-Type", "the Content-Type header", (
        _c("header.Content-Type", "form", A, "accept-valid-form", "valid", _CT_BASIS),
        _c("header.Content-Type", "json", A, "accept-valid-json", "valid", _CT_BASIS + " (a SHOULD)"),
        _c("header.Content-Type", "parameters-and-case", A, "accept-content-type-forms",
           "members:content-type-variants", "RFC 9110 sections 8.3.1, 8.3.2 (rules.POSITIONS content-type-variants)",
           ("charset-utf8", "charset-lower-nospace", "upper", "mixed")),
        _c("header.Content-Type", "json-parameters", A, "accept-valid-json", "members:content-type-variants",
           "requestBody: `application/json` (a SHOULD); RFC 9110 section 8.3.2; RFC 8259 section 11 (no charset "
           "parameter is defined, and one is harmless)", ("json-charset",)),
        _c("header.Content-Type", "other-media-type", O, "content-type-other", "members:content-type-other",
           _CT_BASIS + "; RFC 9110 section 15.5.16 (415)",
           ("text-plain", "octet-stream", "multipart", "xml", "json-labelled-form"), coverage=("text-plain",)),
    )),
    Dimension("header.Authorization", "the Authorization header", (
        _c("header.Authorization", "absent", R, "auth-missing", "rule:auth-missing", "401 documented"),
        _c("header.Authorization", "wrong-token", R, "auth-wrong-token", "rule:auth-wrong-token", _RFC7617),
        _c("header.Authorization", "malformed", R, "auth-malformed", "rule:auth-malformed",
           "\"the word Basic followed by a space and a base64-encoded string of project_id:token\" (other "
           "schemes, bad base64, no colon, nothing after Basic)"),
        _c("header.Authorization", "part-truth", R, "auth-near-miss", "auth:near-miss", _RFC7617, _NEAR_MISS_KINDS),
        _c("header.Authorization", "parts-permuted-emptied-padded", R, "auth-near-miss", "auth:parts", _RFC7617,
           _PART_KINDS),
        _c("header.Authorization", "scheme-case", A, "auth-scheme-case", "auth:scheme-case",
           "RFC 9110 section 11.1; RFC 7617 section 2", ("scheme-lower", "scheme-upper")),
        _c("header.Authorization", "spacing", O, "auth-odd-spacing", "auth:spacing",
           "RFC 9110 section 11.4: 1*SP", ("space-double", "space-tab")),
        _c("header.Authorization", "base64-spelling", O, "auth-base64-variants", "auth:base64",
           "RFC 7617 section 2; RFC 4648 sections 3.2, 5", ("b64-excess-padding",)),
        _c("header.Authorization", "user-case", O, "auth-user-case", "auth:user-case",
           "RFC 9562 section 4 (UUIDs case-insensitive on input) vs RFC 7617 (as given)", ("user-case",)),
    )),
    Dimension("path", "the path's segments", (
        _c("path", "account-foreign", R, "account-foreign", "rule:account-foreign", "decision: 401 or 404"),
        _c("path", "conference-unknown", R, "conference-unknown", "rule:conference-unknown", "404 documented"),
        _c("path", "conference-malformed", R, "conference-malformed", "rule:conference-malformed",
           "ConferenceSid: `format: uuid`"),
        _c("path", "sid-case", O, "path-sid-case", "members:path-sid-case",
           "RFC 9562 section 4 vs RFC 3986 section 6.2.2.1", ("account-upper", "conference-upper")),
    )),
    Dimension("sequence", "requests over time", (
        _c("sequence", "after-accepted-create", R, "name-unique", "probe:name_sequence",
           "Name: \"Unique name for the Stream, per Conference.\" (a SHOULD: the duplicate is refused)"),
        _c("sequence", "after-refused-create", A, "name-free-after-refusal", "probe:name_sequence",
           "rules: name-free-after-refusal"),
        _c("sequence", "after-stop", O, "name-after-stop", "probe:stream_life_cycle",
           "Name: \"Unique name ... per Conference\": a stopped stream's hold on it is not said (--lifecycle)"),
        _c("sequence", "in-another-conference", A, "name-per-conference", "probe:name_in_other_conference",
           "Name: \"Unique name for the Stream, per Conference.\" (with a second conference)"),
        _c("sequence", "concurrent", R, "name-unique-concurrent", "probe:concurrent_duplicate_name",
           "Name: \"Unique name for the Stream, per Conference.\""),
    )),
)
"""Not modelled yet (say so rather than pretend): the Content-Length/framing header and a missing
Content-Type (they need exact bytes on a socket: conformance/run/wire.py sends them, no planner step yet),
the connection dimension (requests after every kind of answer on one kept-alive connection, same sender),
other HTTP methods (the document defines only POST: their answers are not this operation's), and the same
Name in another conference (needs a second live conference on the target)."""

CLASSES: dict[str, InputClassModel] = {c.id: c for d in DIMENSIONS for c in d.classes}


def get(class_id: str) -> InputClassModel:
    try:
        return CLASSES[class_id]
    except KeyError:
        raise KeyError(f"unknown input class {class_id!r}; see conformance/contract/dimensions.py") from None


def coverage_members(model: InputClassModel) -> tuple[str, ...]:
    """The members the coverage set sends (the rest go to the depth rounds)."""
    return model.members if model.coverage is None else model.coverage
