"""The registry of the contract's rules: the one place a requirement is written.

Strategies label invalid requests with these ids, checks report against them, and reports group
and explain by them. A rule whose `rejects_with` is set is broken by a request (a strategy can
generate it, and a conforming server answers with one of those statuses); the others can only be
checked on responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    MUST = "MUST"
    SHOULD = "SHOULD"


class Area(StrEnum):
    AUTH = "auth"
    VALIDATION = "validation"
    RESPONSE = "response body"
    ROBUSTNESS = "robustness"
    SECURITY = "security"
    STATE = "state"
    MEDIA = "media"


VALIDATION_STATUSES = frozenset({400, 422})


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    area: Area
    title: str
    basis: str
    """The spec text (quoted) or the ARCHITECTURE.md decision the rule rests on."""
    rejects_with: frozenset[int] | None = None

    @property
    def breakable(self) -> bool:
        return self.rejects_with is not None


def _rule(id, level, area, title, basis, rejects_with=None) -> Rule:  # noqa: A002 - mirrors the field
    return Rule(id, Level(level), area, title, basis, frozenset(rejects_with) if rejects_with else None)


_V = VALIDATION_STATUSES
_ALL = (
    # --- broken by a request: the server must reject it -------------------------------------
    _rule("url-required", "MUST", Area.VALIDATION, "A request without Url (or with an empty one) is rejected",
          "CreateConferenceStreamRequest: `required: [Url]`", _V),
    _rule("url-scheme-wss", "MUST", Area.VALIDATION, "Url schemes other than wss (ws, http, https, ...) are rejected",
          "Url: \"The only supported protocol is wss. For security reasons ws is NOT supported.\"", _V),
    _rule("url-absolute", "MUST", Area.VALIDATION, "A relative Url, or a wss Url without a host, is rejected",
          "Decision: only an absolute wss:// URL with a host is accepted (the prose's \"absolute or "
          "relative\" cannot hold for a WebSocket the server dials)", _V),
    _rule("url-well-formed", "MUST", Area.VALIDATION,
          "A Url with whitespace, or one that is not a URL at all, is rejected",
          "Decision: URLs with leading, trailing or embedded whitespace and garbage are rejected "
          "(SignalWire error 31922)", _V),
    _rule("track-enum", "MUST", Area.VALIDATION, "Track outside its enum is rejected",
          "Track: \"This attribute can be one of inbound_track, outbound_track, both_tracks.\"", _V),
    _rule("track-case", "SHOULD", Area.VALIDATION, "Track that differs from its enum only in case is rejected",
          "Track: `enum` values are case-sensitive strings", _V),
    _rule("callback-method-enum", "MUST", Area.VALIDATION, "StatusCallbackMethod outside GET/POST is rejected",
          "StatusCallbackMethod: \"Whether the request to `StatusCallback` URL is a `GET` or a `POST`.\"", _V),
    _rule("callback-method-case", "SHOULD", Area.VALIDATION,
          "StatusCallbackMethod that differs from GET/POST only in case is rejected",
          "StatusCallbackMethod: `enum: [GET, POST]`", _V),
    _rule("codec-enum", "MUST", Area.VALIDATION, "StreamCodec outside its enum is rejected",
          "StreamCodec: `enum: [PCMU, PCMA, L16, L16@16000h, L16@24000h]`", _V),
    _rule("codec-case", "SHOULD", Area.VALIDATION, "StreamCodec that differs from its enum only in case is rejected",
          "StreamCodec: `enum` values are case-sensitive strings", _V),
    _rule("custom-params-max", "MUST", Area.VALIDATION,
          "Custom parameters numbered 100 or above (so 100+ parameters) are rejected",
          "Parameter1.Name: \"You can pass up to 99 custom parameters using `Parameter1.Name` through "
          "`Parameter99.Name`.\"", _V),
    _rule("status-callback-url", "MUST", Area.VALIDATION,
          "StatusCallback that is not an absolute http(s) URL is rejected",
          "StatusCallback: `format: uri`; decision: an absolute http(s) URL", _V),
    _rule("stream-realtime-boolean", "MUST", Area.VALIDATION, "StreamRealTime other than true/false is rejected",
          "StreamRealTime: `type: boolean`", _V),
    _rule("auth-missing", "MUST", Area.AUTH, "A request without credentials is answered 401",
          "401: \"Authentication failed. Please verify your credentials and try again.\"", {401}),
    _rule("auth-wrong-token", "MUST", Area.AUTH, "A request with a wrong API token is answered 401",
          "SignalWireBasicAuth: \"The project ID will be used as the username and the API token as the "
          "password.\"", {401}),
    _rule("auth-malformed", "MUST", Area.AUTH,
          "A malformed Authorization header (not Basic, bad base64, no colon) is answered 401",
          "Authorization: \"the word Basic followed by a space and a base64-encoded string of "
          "project_id:token\"", {401}),
    _rule("account-foreign", "MUST", Area.AUTH, "Another account's AccountSid is answered 401 or 404, never 2xx",
          "Decision: valid credentials with another account's AccountSid: 401 or 404", {401, 404}),
    _rule("conference-unknown", "MUST", Area.AUTH, "An unknown ConferenceSid is answered 404",
          "404: \"The requested resource was not found.\"", {404}),
    _rule("conference-malformed", "MUST", Area.AUTH, "A ConferenceSid that is not a UUID is answered 404",
          "ConferenceSid: `format: uuid`; decision: 404 with the error schema, never 2xx or 5xx", {404}),
    # --- checked on responses ------------------------------------------------------------------
    _rule("accept-valid-form", "MUST", Area.VALIDATION, "A valid form-urlencoded request is answered 200",
          "Operation: `Content-Type: application/x-www-form-urlencoded`; 200: \"The request has succeeded.\""),
    _rule("accept-valid-json", "SHOULD", Area.VALIDATION, "A valid JSON request is answered 200",
          "requestBody: `application/json` (decision: JSON SHOULD be accepted)"),
    _rule("schema-negative-rejected", "MUST", Area.VALIDATION,
          "A body that breaks the contract's schema, as sent on the wire, is rejected (Schemathesis's negative cases)",
          "CreateConferenceStreamRequest, with the suite's decisions on Url and StatusCallback"),
    _rule("status-documented", "MUST", Area.ROBUSTNESS, "Every status is one the document lists (200/400/401/404/422)",
          "responses: 200, 400, 401, 404, 422; decision: any other 2xx is undocumented"),
    _rule("no-server-error", "MUST", Area.ROBUSTNESS, "No request is answered 5xx",
          "Decision: never 5xx, whatever the input"),
    _rule("content-type-json", "MUST", Area.ROBUSTNESS, "Every documented status comes as application/json",
          "responses: every status's `content` is `application/json`"),
    _rule("response-schema", "MUST", Area.RESPONSE, "The body matches the documented schema of the status returned",
          "responses: ConferenceStreamResponse, CompatibilityErrorResponse, "
          "CompatibilityErrorStringArrayResponse"),
    _rule("errors-nonempty", "MUST", Area.RESPONSE, "A 422 lists at least one error",
          "422: \"Review the errors array for specific issues.\""),
    _rule("echo-account-sid", "MUST", Area.RESPONSE, "account_sid equals the path's AccountSid",
          "account_sid: \"The unique identifier for the account.\""),
    _rule("echo-conference-sid", "MUST", Area.RESPONSE, "conference_sid equals the path's ConferenceSid",
          "conference_sid: \"The unique identifier for the conference.\""),
    _rule("echo-name", "MUST", Area.RESPONSE, "name is the Name sent, or null when none was sent",
          "name: \"May be null if not specified when creating the stream.\""),
    _rule("sid-fresh", "MUST", Area.RESPONSE, "sid is a UUID never returned before in the run",
          "sid: \"The unique identifier for the stream.\""),
    _rule("date-rfc2822", "MUST", Area.RESPONSE, "date_updated is an RFC 2822 date in GMT",
          "date_updated: \"The date, in RFC 2822 GMT format, this stream was updated.\""),
    _rule("uri-ends-with-sid", "MUST", Area.RESPONSE, "uri ends with the stream's sid (optionally .json)",
          "uri: \"The URI for the stream.\""),
    _rule("status-new", "SHOULD", Area.RESPONSE, "A new stream's status is queued or in-progress",
          "status: ConferenceStreamStatus (queued, in-progress, stopped)"),
    _rule("auth-error-code", "SHOULD", Area.AUTH, "A 401 carries SignalWire's code 20003",
          "Decision: 401 with the error schema (SignalWire's code for it is 20003)"),
    _rule("not-found-error-code", "SHOULD", Area.AUTH, "A 404 carries SignalWire's code 20404",
          "Decision: 404 with the error schema (code 20404)"),
    _rule("no-secret-echo", "MUST", Area.SECURITY,
          "No response echoes the API token, its Basic form or the AuthorizationBearerToken",
          "Decision: never echoes the API token or the AuthorizationBearerToken"),
    _rule("name-unique", "SHOULD", Area.STATE, "A second live stream with the same Name is rejected at once",
          "Name: \"Unique name for the Stream, per Conference.\""),
    _rule("name-unique-concurrent", "SHOULD", Area.STATE,
          "Two simultaneous creates with one Name do not both succeed",
          "Name: \"Unique name for the Stream, per Conference.\""),
    # --- from the mutation benchmark's triage (benchmarks/mutation_score.py) ------------------------
    _rule("json-string-type", "MUST", Area.VALIDATION,
          "In a JSON body, a string field given as a number, boolean, array or object is rejected",
          "CreateConferenceStreamRequest: Url, Name, StatusCallback, StatusCallbackMethod, Track, StreamCodec, "
          "AuthorizationBearerToken and Parameter1.Name/Value are `type: string`", _V),
)

_MEDIA = (
    # --- checked with --media only: what a created stream then does -----------------------------------
    _rule("media-connects", "MUST", Area.MEDIA, "A created stream opens a WebSocket to its Url",
          "Url: \"A WebSocket connection to the url will be established and audio will start flowing\""),
    _rule("media-bearer", "MUST", Area.MEDIA,
          "The upgrade carries Authorization: Bearer <AuthorizationBearerToken> when one was given",
          "AuthorizationBearerToken: \"Bearer token for authorization with the WebSocket server.\""),
    _rule("media-messages", "MUST", Area.MEDIA, "Messages come as connected, one start, media..., stop",
          "SignalWire's stream messages: connected, start, media, stop"),
    _rule("media-start", "MUST", Area.MEDIA,
          "start names the stream and account, the tracks from Track and customParameters from ParameterN",
          "Track; Parameter1.Name: \"Custom parameter name to pass towards the WebSocket server.\""),
    _rule("media-format", "MUST", Area.MEDIA, "start's mediaFormat matches StreamCodec (encoding, rate, 1 channel)",
          "StreamCodec: \"The audio codec to use for the stream.\" (PCMU audio/x-mulaw 8000, L16@16000h "
          "audio/x-L16 16000, ...)"),
    _rule("media-audio", "MUST", Area.MEDIA, "media payloads decode at the advertised rate, 20 ms each, not silent",
          "media: base64 payload of raw audio in the advertised mediaFormat"),
    _rule("media-sequence", "MUST", Area.MEDIA, "chunk and timestamp increase monotonically per track",
          "media: track, chunk, timestamp (ms)"),
    _rule("callback-events", "MUST", Area.MEDIA,
          "StatusCallback gets stream-started and stream-stopped with the documented parameters",
          "StatusCallback: \"The URL to request to when stream is available.\""),
    _rule("callback-method", "MUST", Area.MEDIA, "Status callbacks use StatusCallbackMethod (default POST)",
          "StatusCallbackMethod: \"Whether the request to `StatusCallback` URL is a `GET` or a `POST`.\""),
    _rule("media-duplicate-name", "MUST", Area.MEDIA,
          "A duplicate live Name is rejected at create, or its stream reports stream-error; never two live streams",
          "Name: \"Unique name for the Stream, per Conference.\" (with --media, a MUST)"),
)
_ALL = _ALL + _MEDIA
MEDIA_RULE_IDS = tuple(r.id for r in _MEDIA)

RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}
REQUEST_RULES: tuple[Rule, ...] = tuple(r for r in _ALL if r.breakable)
BODY_RULES: tuple[Rule, ...] = tuple(r for r in REQUEST_RULES if r.rejects_with == VALIDATION_STATUSES)
REQUEST_LEVEL_RULES: tuple[Rule, ...] = tuple(r for r in REQUEST_RULES if r.rejects_with != VALIDATION_STATUSES)


def get(rule_id: str) -> Rule:
    try:
        return RULES[rule_id]
    except KeyError:
        raise KeyError(f"unknown rule id {rule_id!r}; known: {', '.join(RULES)}") from None
