"""The registry of the contract's rules: the one place a requirement is written.

Strategies label invalid requests with these ids, checks report against them, and reports group
and explain by them. A rule whose `rejects_with` is set is broken by a request (a strategy can
generate it, and a conforming server answers with one of those statuses); the others can only be
checked on responses.

Every class of input the suite sends has one of three positions (`Position`): *must accept*,
*must reject* (a rule with `rejects_with`), or *open*: either answer conforms, and only the
universal rules judge it (a documented status, its schema, JSON, no 5xx, no secret echoed; and a
200's body must still be right). Open points and the must-accept classes that are decisions
rather than the document's plain text are `InputClass` entries in `POSITIONS`, each with its basis.
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
_SW_REST_DOC = "signalwire/docs fern/apis/compatibility/openapi.yaml"


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


class Position(StrEnum):
    ACCEPT = "must accept"
    REJECT = "must reject"
    OPEN = "open"


@dataclass(frozen=True)
class InputClass:
    """A class of input and the suite's position on it. `rule_id`: the rule that judges a must-accept
    or must-reject class (open classes have none: only the universal rules apply)."""

    id: str
    position: Position
    title: str
    basis: str
    rule_id: str | None = None


def _rule(id, level, area, title, basis, rejects_with=None) -> Rule:  # noqa: A002 - mirrors the field
    return Rule(id, Level(level), area, title, basis, frozenset(rejects_with) if rejects_with else None)


_V = VALIDATION_STATUSES
_ALL = (
    # --- broken by a request: the server must reject it -------------------------------------
    _rule("url-required", "MUST", Area.VALIDATION, "A request without Url (or with an empty one) is rejected",
          "CreateConferenceStreamRequest: `required: [Url]`", _V),
    _rule("url-scheme-wss", "MUST", Area.VALIDATION, "Url schemes other than wss (ws, http, https, ...) are rejected",
          "Url: \"The only supported protocol is wss. For security reasons ws is NOT supported.\"", _V),
    _rule("url-absolute", "MUST", Area.VALIDATION, "A relative Url is rejected",
          "Decision: only an absolute wss:// URL with a host is accepted (the prose's \"absolute or "
          "relative\" cannot hold for a WebSocket the server dials)", _V),
    _rule("url-host", "MUST", Area.VALIDATION, "A wss Url without a host (wss://:443/path, wss:///path) is rejected",
          "Decision: only an absolute wss:// URL with a host is accepted; RFC 3986 section 3.2.2 lets a URI's "
          "host be empty, so a parser that sees an authority may still hold no host to dial", _V),
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
    _rule("enum-whitespace", "SHOULD", Area.VALIDATION,
          "Track, StatusCallbackMethod or StreamCodec that differs from its enum only in surrounding whitespace "
          "(\"both_tracks \", \" POST\") is rejected",
          "Track, StatusCallbackMethod, StreamCodec: `enum` of exact strings; ARCHITECTURE.md's decision table: a "
          "value that \"differs from an enum value only in letter case or surrounding whitespace SHOULD be "
          "rejected\" (a server that trims form values before matching conforms with a warning; the enum rules "
          "judge only values that differ in more than that)", _V),
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
    _rule("auth-near-miss", "MUST", Area.AUTH,
          "Credentials derived from the real ones (token empty, truncated, extended, in another case, one "
          "character off; the token under another user; an unknown project id and token; the right ones under "
          "Bearer) are answered 401",
          "SignalWireBasicAuth: \"The project ID will be used as the username and the API token as the "
          "password.\"; RFC 7617 section 2: the user-id and password are compared as given (no folding, no "
          "prefix match)", {401}),
    _rule("account-foreign", "MUST", Area.AUTH,
          "Another account's AccountSid is refused with a documented 4xx (400, 401 or 404), never 2xx",
          "Decision: the contract does not fix which documented 4xx refuses valid credentials with another "
          "account's AccountSid. responses: 400 \"The request was invalid or cannot be processed\", 401 "
          "\"Authentication failed\", 404 \"The requested resource was not found\" (each with "
          "CompatibilityErrorResponse); signalwire/docs fern/products/compatibility-api/pages/rest-api/core/"
          "error-codes.mdx: 10004 \"The subproject ID passed does not belong to the project used to "
          "authenticate the request\", with no status. 403 is not documented for this operation", {400, 401, 404}),
    _rule("conference-unknown", "MUST", Area.AUTH, "An unknown ConferenceSid is answered 404",
          "404: \"The requested resource was not found.\"", {404}),
    _rule("conference-malformed", "MUST", Area.AUTH,
          "A ConferenceSid that is not a UUID is refused with 404, or as an invalid request (400 or 422)",
          "ConferenceSid: `format: uuid`; responses: 404 \"The requested resource was not found. Please verify the "
          "resource identifier.\", 400 \"The request was invalid or cannot be processed\", 422 \"The request "
          "could not be processed due to validation errors\". Decision: a malformed identifier names no resource "
          "and is an invalid request alike, so any of the three with its schema, never 2xx or 5xx",
          {400, 404, 422}),
    # --- checked on responses ------------------------------------------------------------------
    _rule("accept-valid-form", "MUST", Area.VALIDATION,
          "A valid form-urlencoded request is answered 200 (one with a StreamCodec outside the stream page's "
          "Supported codecs, PCMA or plain L16, may be refused with 400 or 422)",
          "Operation: `Content-Type: application/x-www-form-urlencoded`; 200: \"The request has succeeded.\" "
          "StreamCodec's enum lists PCMA and L16, but signalwire/docs fern/products/compatibility-api/pages/cxml/"
          "voice/stream.mdx, Supported codecs, lists only \"`PCMU` (default) | `8000h`\" and \"`L16` | `16000h`, "
          "`24000h`\", and StreamError `codec_error` is \"Requested codec not enabled for your account\": a "
          "refusal of the others is what the documents allow (judged then by the universal rules only)"),
    _rule("auth-scheme-case", "MUST", Area.AUTH,
          "The right credentials under the scheme written in another case (basic, BASIC) are answered 200",
          "RFC 9110 section 11.1: \"It uses a case-insensitive token to identify the authentication "
          "scheme\"; RFC 7617 section 2: \"both scheme and parameter names are matched case-insensitively\""),
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
    _rule("json-text", "MUST", Area.ROBUSTNESS,
          "A JSON body is a JSON text as RFC 8259 defines it, read from its bytes: UTF-8 without a byte order "
          "mark, one value with only whitespace around it, no NaN or Infinity",
          "responses: `application/json`; RFC 8259 section 8.1: \"JSON text exchanged between systems that are not "
          "part of a closed ecosystem MUST be encoded using UTF-8\" and \"Implementations MUST NOT add a byte order "
          "mark\"; section 2: `JSON-text = ws value ws`; section 6: \"Numeric values that cannot be represented in "
          "the grammar below (such as Infinity and NaN) are not permitted\""),
    _rule("json-names-unique", "SHOULD", Area.ROBUSTNESS, "No JSON object in a body repeats a member name",
          "RFC 8259 section 4: \"The names within an object SHOULD be unique\"; with a repeated name, "
          "\"the behavior of software that receives such an object is unpredictable\""),
    _rule("header-singletons", "MUST", Area.ROBUSTNESS,
          "Content-Type and Content-Length each appear at most once in a response",
          "RFC 9110 section 5.3: a field that is not a list (Content-Type, section 8.3) MUST NOT be sent more than "
          "once; section 8.6: a Content-Length repeated with differing values makes the message invalid"),
    _rule("response-schema", "MUST", Area.RESPONSE,
          "The body matches the documented schema of the status returned (a 422 in either Streams endpoint's shape)",
          "responses: ConferenceStreamResponse, CompatibilityErrorResponse, "
          "CompatibilityErrorStringArrayResponse. Decision: a 422 may also be a CompatibilityErrorResponse, the "
          f"shape {_SW_REST_DOC} gives the 422 of Create a Stream (calls) (\"The request could not be processed due "
          "to validation errors. Check the error details for more information.\"), where this operation's 422 "
          "is CompatibilityErrorStringArrayResponse (\"Review the errors array for specific issues.\"): one API, "
          "two shapes for one status, and a service may answer both endpoints alike"),
    _rule("errors-nonempty", "MUST", Area.RESPONSE, "A 422 lists at least one error",
          "422: \"Review the errors array for specific issues.\""),
    _rule("echo-account-sid", "MUST", Area.RESPONSE, "account_sid equals the path's AccountSid",
          "account_sid: \"The unique identifier for the account.\""),
    _rule("echo-conference-sid", "MUST", Area.RESPONSE, "conference_sid equals the path's ConferenceSid",
          "conference_sid: \"The unique identifier for the conference.\""),
    _rule("echo-name", "MUST", Area.RESPONSE,
          "name is the Name sent; when none was sent, null, \"\" or the new stream's sid",
          "name: \"May be null if not specified when creating the stream.\" (may, not must); signalwire/docs "
          "fern/products/compatibility-api/pages/cxml/voice/stream.mdx, StreamName: \"If defined, this is the "
          "unique name of the Stream. Defaults to the StreamSid.\" So a stream created without a Name may be "
          "named by its sid"),
    _rule("sid-fresh", "MUST", Area.RESPONSE, "sid is a UUID never returned before in the run",
          "sid: \"The unique identifier for the stream.\""),
    _rule("date-rfc2822", "MUST", Area.RESPONSE,
          "date_updated is an RFC 2822 date in GMT (the month Sep also as the document's example writes it, Sept)",
          "date_updated: \"The date, in RFC 2822 GMT format, this stream was updated.\"; its example: \"Tue, 25 "
          "Sept 2018 20:00:00 +0000\". RFC 2822 section 3.3 spells the month \"Sep\"; the document's own "
          "example is not failed (Java's CLDR en-GB formats write Sept)"),
    _rule("uri-ends-with-sid", "MUST", Area.RESPONSE, "uri ends with the stream's sid (optionally .json)",
          "uri: \"The URI for the stream.\""),
    _rule("uri-stream-path", "MUST", Area.RESPONSE,
          "uri is the stream's own path: the API root, then /Accounts/{AccountSid}/Conferences/{ConferenceSid}"
          "/Streams/{sid}, optionally .json",
          "uri: \"The URI for the stream.\"; the operation's path under `servers` (the API root); decision: "
          "the root may be given whole or as a trailing part of its path (/api/laml/2010-04-01 or /2010-04-01), "
          "as a path or an absolute URL on the same host, since the document fixes the resource, not the prefix"),
    _rule("date-current", "MUST", Area.RESPONSE,
          "A new stream's date_updated is the time of the create, within 15 minutes of the suite's clock",
          "date_updated: \"The date ... this stream was updated.\" A stream created now was updated now. "
          "Decision: 15 minutes of clock skew are allowed (an unsynchronised server clock, plus the "
          "exchange's own duration); a date years old or hours ahead, or local time labelled GMT, is caught"),
    _rule("error-status-matches", "MUST", Area.RESPONSE,
          "An error body's status equals the HTTP status of the response",
          "CompatibilityErrorResponse.status: \"HTTP status code.\""),
    _rule("error-fields-meaningful", "MUST", Area.RESPONSE,
          "An error body says something: message non-empty, more_info a URL (absolute http(s), or a path), "
          "422 errors non-empty strings",
          "CompatibilityErrorResponse: message \"Error message.\", more_info \"URL for more information about "
          "the error.\"; CompatibilityErrorStringArrayResponse.errors: \"List of validation error messages.\""),
    _rule("status-new", "SHOULD", Area.RESPONSE, "A new stream's status is queued or in-progress",
          "status: ConferenceStreamStatus (queued, in-progress, stopped)"),
    _rule("auth-error-code", "SHOULD", Area.AUTH,
          "A 401 carries SignalWire's code 20003 (or 10004 for another account's AccountSid)",
          "Decision: 401 with the error schema (SignalWire's code for it is 20003: \"There was an authentication "
          "error\"); error-codes.mdx 10004 \"The subproject ID passed does not belong to the project used to "
          "authenticate the request\" names the foreign-account case, so either code is SignalWire's there"),
    _rule("not-found-error-code", "SHOULD", Area.AUTH,
          "A 404 carries SignalWire's code 20404 (or 10004 for another account's AccountSid)",
          "Decision: 404 with the error schema (code 20404: \"The resource you are trying to access does not "
          "exist\"); for another account's AccountSid, error-codes.mdx's 10004 as well"),
    _rule("no-secret-echo", "MUST", Area.SECURITY,
          "No response echoes the API token, its Basic form or the AuthorizationBearerToken",
          "Decision: never echoes the API token or the AuthorizationBearerToken"),
    _rule("name-free-after-refusal", "MUST", Area.STATE,
          "A create that was refused does not take its Name: a valid create with that Name is then accepted",
          "Name: \"Unique name for the Stream, per Conference\": a refused create made no stream, so its Name "
          "names none, and a later create with it is a valid request (accept-valid-form)"),
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

_SW_STREAM = "signalwire/docs fern/products/compatibility-api/pages/cxml/voice/stream.mdx"
_SW_REST = "signalwire/docs fern/apis/compatibility/openapi.yaml (Create a Conference Stream)"
_MEDIA = (
    # --- checked with --media only: what a created stream then does ----------------------------------
    # Positions as in the oracle: what SignalWire documents is a MUST; what the suite only infers is a
    # SHOULD or an open point (MEDIA_OPEN_POINTS, below), each with its basis.
    _rule("media-connects", "MUST", Area.MEDIA, "A created stream opens a WebSocket to its Url",
          f"{_SW_REST}, Url: \"A WebSocket connection to the url will be established and audio will start "
          "flowing towards the Websocket server.\""),
    _rule("media-bearer", "MUST", Area.MEDIA,
          "The upgrade carries Authorization: Bearer <AuthorizationBearerToken> when one was given, and no "
          "Authorization header when none was",
          f"{_SW_STREAM}, WebSocket connection: Authorization \"Bearer token for authentication if "
          "`authBearerToken` attribute is provided (format: \"Bearer token_here\").\"; "
          "REST AuthorizationBearerToken: \"Bearer token for authorization with the WebSocket server.\""),
    _rule("media-messages", "MUST", Area.MEDIA,
          "JSON messages of the documented events in order: connected, one start, media/dtmf/mark in any mix, stop",
          f"{_SW_STREAM}: \"SignalWire sends the following event types to your WebSocket server: Connected, "
          "Start, Media, DTMF, Mark, Stop\"; Start: \"right after the `Connected` event ... only once\""),
    _rule("media-connected", "MUST", Area.MEDIA, "connected carries protocol Call and a semantic version",
          f"{_SW_STREAM}, Connected message: protocol \"Value: `Call`\"; version \"Semantic version of the "
          "protocol. Current version: `0.2.0`\" (Twilio's page: 1.0.0; SignalWire's wins)"),
    _rule("media-start", "MUST", Area.MEDIA,
          "start names the stream and account, the tracks from Track (any order), and customParameters from "
          "ParameterN (absent or empty when none were sent)",
          f"{_SW_STREAM}, Start message: start.streamSid, start.accountSid, start.tracks \"Possible values: "
          "[\"inbound\"], [\"outbound\"], or [\"inbound\", \"outbound\"]\", start.customParameters \"Only "
          "present when custom parameters are defined.\""),
    _rule("media-format", "MUST", Area.MEDIA,
          "mediaFormat is one channel in the format the documents fix for StreamCodec, and every payload is "
          "base64 of whole samples of the advertised format",
          f"{_SW_STREAM}, Start message: encoding \"`audio/x-mulaw` (PCMU), `audio/x-L16` (L16)\", sampleRate "
          "\"8000 (PCMU), 16000 (L16), or 24000 (L16)\", channels \"Always 1 (mono)\"; Media message: "
          "media.payload \"Base64-encoded raw audio data.\""),
    _rule("media-tracks", "MUST", Area.MEDIA,
          "every media.track is one of start's tracks, and every advertised track delivers media",
          f"{_SW_STREAM}, Media message: media.track \"One of: `inbound` or `outbound`\"; track: \"For "
          "`both_tracks` there will be both `inbound_track` and `outbound_track` events.\""),
    _rule("media-sequence", "MUST", Area.MEDIA, "media.chunk counts 1, 2, 3 ... per track",
          f"{_SW_STREAM}, Media message: media.chunk \"Chunk counter for this track. Starts at \"1\" and "
          "increments with each chunk.\""),
    _rule("media-timestamp", "MUST", Area.MEDIA,
          "media.timestamp is milliseconds from the start: per track it never goes back, and the time it spans "
          "matches the audio delivered (within a factor of 1.5)",
          f"{_SW_STREAM}, Media message: media.timestamp \"Presentation timestamp in milliseconds from the "
          "start of the stream.\" (the factor leaves room for gaps; a unit error is a factor of 8 or more)"),
    _rule("media-sequence-number", "MUST", Area.MEDIA,
          "start, media, dtmf and stop carry a sequenceNumber, 1 on start and increasing with each message",
          f"{_SW_STREAM}: Start \"sequenceNumber: Message sequence tracking, starting from \"1\" and "
          "incrementing with each message.\"; Media \"Sequential message counter for ordering, starting at "
          "\"1\" and incrementing per transmission\"; DTMF, Stop: sequenceNumber (mark has none). One counter "
          "shared by every message, not one per event: start is 1, and the Media example has sequenceNumber "
          "\"42\" on \"chunk\": \"1\", \"timestamp\": \"0\" (a per-media counter from 1 would read 1 or 2 "
          "there). Gaps are tolerated (a counter that also counts mark, which carries none, leaves some)"),
    _rule("media-events", "MUST", Area.MEDIA,
          "dtmf carries a digit 0-9, *, #, A-D and a duration in ms; mark carries a name",
          f"{_SW_STREAM}, DTMF message: \"dtmf.digit: Values: 0-9, *, #, A-D.\", \"dtmf.duration: Duration of "
          "the key press in milliseconds.\"; Mark message: \"mark.name: The mark identifier\""),
    _rule("callback-events", "MUST", Area.MEDIA,
          "StatusCallback gets stream-started and stream-stopped; every StreamEvent is one of the three documented",
          f"{_SW_STREAM}, statusCallback: \"SignalWire will make a HTTP GET or POST request to this URL when a "
          "Stream is started, stopped or there is an error.\"; StreamEvent \"One of `stream-started`, "
          "`stream-stopped`, or `stream-error`.\""),
    _rule("callback-method", "MUST", Area.MEDIA, "Status callbacks use StatusCallbackMethod (default POST)",
          f"{_SW_REST}, StatusCallbackMethod: \"Whether the request to `StatusCallback` URL is a `GET` or a "
          "`POST`. Default is `POST`.\""),
    _rule("callback-ids", "MUST", Area.MEDIA,
          "AccountSid, ConferenceSid and StreamSid of every callback are the account, the conference and the stream",
          f"{_SW_STREAM}, StatusCallback parameters: AccountSid \"The unique ID of the Account\", ConferenceSid "
          "\"If the stream is part of a conference, the unique identifier for the conference.\", StreamSid "
          "\"The unique identifier for this Stream.\""),
    _rule("callback-stream-name", "MUST", Area.MEDIA, "StreamName is the Name sent, or the StreamSid when none was",
          f"{_SW_STREAM}, StreamName: \"If defined, this is the unique name of the Stream. Defaults to the "
          "StreamSid.\""),
    _rule("callback-track", "MUST", Area.MEDIA,
          "StreamTrack is the Track sent, or with Track omitted the track the stream actually carries",
          f"{_SW_STREAM}, StreamTrack: \"The track configuration for this stream: `inbound_track`, "
          "`outbound_track`, or `both_tracks`.\""),
    _rule("callback-timestamp", "MUST", Area.MEDIA,
          "Timestamp is an ISO 8601 date-time, within 10 minutes of the suite's clock when it has an offset",
          f"{_SW_STREAM}, Timestamp: \"The time of the event in ISO 8601 format.\" (Twilio's page links to "
          "ISO 8601 UTC)"),
    _rule("callback-stream-error", "MUST", Area.MEDIA, "A stream-error callback's StreamError is a documented value",
          f"{_SW_STREAM}, StreamError values: \"When `StreamEvent` is `stream-error`, the `StreamError` field will "
          "contain one of the following values\" (invalid_url ... Duplicated stream name)"),
    _rule("media-unreachable", "MUST", Area.MEDIA,
          "A stream whose Url nobody answers reports stream-error to its StatusCallback (or is refused at create)",
          f"{_SW_STREAM}: statusCallback \"... when a Stream is started, stopped or there is an error.\"; "
          "StreamError `connection_refused` \"Your WebSocket server refused the connection\", "
          "`connection_refused_timeout_or_ssl_error` \"WebSocket server unreachable\""),
    _rule("media-duplicate-name", "MUST", Area.MEDIA,
          "A duplicate live Name is rejected at create, or its stream reports stream-error; never two live streams",
          f"{_SW_REST}, Name: \"Unique name for the Stream, per Conference.\"; {_SW_STREAM}, StreamError "
          "`Duplicated stream name` (with --media, a MUST)"),
    _rule("media-audible", "SHOULD", Area.MEDIA, "media payloads carry sound, not only silence",
          "Inference: a real conference can be silent (nobody speaking), so only a SHOULD; the embedded emulator "
          "plays a tone, and its own self-test requires this rule to PASS"),
    _rule("media-format-inferred", "SHOULD", Area.MEDIA,
          "Codecs the documents leave open: PCMA as audio/x-alaw, plain L16 as audio/x-L16 and no StreamCodec as "
          "audio/x-mulaw, each at 8000 Hz",
          f"Inference: {_SW_REST} StreamCodec enum lists PCMA and L16, which {_SW_STREAM}'s codec table and "
          "mediaFormat omit; G.711 A-law is 8000 Hz (RFC 3551 PCMA), audio/x-alaw by analogy with audio/x-mulaw; "
          "the cXML `codec` default is \"PCMU@8000h (default if no codec specified)\""),
    _rule("media-default-track", "SHOULD", Area.MEDIA,
          "With Track omitted the stream carries both tracks (the REST page's default); inbound only gives WARN",
          f"{_SW_REST}, Track: \"Default is `both_tracks`.\"; but {_SW_STREAM}'s `track` has "
          "`default=\"inbound_track\"` (as Twilio's): both are tolerated, anything else fails callback-track"),
    # --- faithful to the real service (issue 19): the stream page's words, as it words them --------------
    _rule("media-timestamp-origin", "MUST", Area.MEDIA,
          "The first media.timestamp of each track is near 0 (within a minute), not a clock reading",
          f"{_SW_STREAM}, Media message: media.timestamp \"Presentation timestamp in milliseconds from the start "
          "of the stream.\"; the example's first chunk: \"chunk\": \"1\", \"timestamp\": \"0\". A minute leaves "
          "room for a stream that began before its WebSocket connected; an epoch value (10^12 ms) is caught"),
    _rule("media-payload-raw", "MUST", Area.MEDIA,
          "No media.payload carries a file header (RIFF/WAVE, AIFF, Ogg, FLAC, .au, ID3): only raw audio",
          f"{_SW_STREAM}, Media message: media.payload \"Base64-encoded raw audio data.\"; for audio sent back: "
          "\"Ensure your `media.payload` contains only raw audio data without file format headers.\""),
    _rule("callback-order", "MUST", Area.MEDIA,
          "stream-started's Timestamp is no later than stream-stopped's (callbacks report events in their order)",
          f"{_SW_STREAM}, statusCallback: \"... when a Stream is started, stopped or there is an error\"; "
          "Timestamp: \"The time of the event in ISO 8601 format.\" A stream stops after it starts. Judged on "
          "the Timestamps, not on arrival: each callback is its own HTTP request, and two may cross on the wire"),
)


@dataclass(frozen=True)
class OpenPoint:
    """An input or behaviour on which either answer conforms: no verdict, but the report says what was seen."""

    id: str
    title: str
    basis: str


MEDIA_OPEN_POINTS = (
    OpenPoint("media-chunk-duration", "How much audio one media message carries (the emulator: 20 ms)",
              f"{_SW_STREAM} documents no chunk length or cadence; 40 ms chunks conform as well as 20 ms"),
    OpenPoint("media-call-sid", "start.callSid, and CallSid and Unique-ID in callbacks, for a conference stream",
              f"{_SW_STREAM} documents them as the call's identifiers; which call a conference stream names is not "
              "said, so the suite requires nothing of them"),
    OpenPoint("media-connected-version", "Which semantic version connected carries",
              f"{_SW_STREAM}: \"Current version: `0.2.0`\" (the emulator sends it); a current version moves, so "
              "media-connected requires a semantic version, not this one"),
    OpenPoint("media-number-or-string", "sequenceNumber, chunk and timestamp as JSON strings or numbers",
              f"{_SW_STREAM}'s examples quote them (\"chunk\": \"1\"); no sentence says they are strings"),
    OpenPoint("media-extra-fields", "Undocumented fields in a message or a callback (e.g. a top-level streamSid)",
              f"{_SW_STREAM}: streamSid \"Only included for bidirectional streams\"; extra fields break no reader "
              "that follows the documents"),
    OpenPoint("media-pcma-encoding", "The encoding a PCMA stream advertises, when it is not one the suite decodes",
              f"{_SW_STREAM}'s mediaFormat lists no PCMA encoding; its payloads are then not judged"),
    OpenPoint("media-mark-echo", "Whether a mark the suite's receiver sends comes back with the same name",
              f"{_SW_STREAM}: Mark \"Audio playback completion acknowledgments (echoed back when you send a "
              "mark)\"; but \"When you create a Stream within a `<Connect><Stream>` element, the connection "
              "becomes bidirectional\": the page does not say whether a REST-created conference stream is"),
    OpenPoint("media-codec-unsupported",
              "A StreamCodec outside the stream page's Supported codecs (PCMA, plain L16): streamed, refused at "
              "create with a documented 4xx, or refused with a stream-error codec_error callback",
              f"{_SW_STREAM}, Supported codecs: \"`PCMU` (default) | `8000h`\", \"`L16` | `16000h`, `24000h`\"; "
              "StreamError `codec_error` \"Codec not supported or misconfigured\", \"Requested codec not enabled "
              f"for your account\"; {_SW_REST}'s StreamCodec enum lists PCMA and L16 as well. A refusal makes that "
              "stream's media rules N/A, with a note; a supported codec refused fails them (media-connects)"),
)
# --- issue 19 (run side): the stream's life cycle, the Name's scope, the token's scope ---------------------
# Judged on what a probe gathered (run/lifecycle_probe.py, checks/state.py), never on one create alone.
_SW_UPDATE = "signalwire/docs fern/apis/compatibility/openapi.yaml (Update Conference Stream, update_conference_stream)"
_SW_SPECS = "signalwire/docs specs/compatibility-api/conferences/models/requests.tsp"
_PERMISSIONS = ("\"The API token used to authenticate must have the following scope(s) enabled to make a "
                "successful request: _Voice_.\"")
_RUN_SIDE = (
    _rule("stop-by-sid", "MUST", Area.STATE,
          "Update a Conference Stream with Status=stopped answers 200 with the stream: status stopped, the same "
          "sid, account, conference and name",
          f"{_SW_UPDATE}: \"Update an existing conference stream. Commonly used to stop/start streams\", 200: "
          "ConferenceStreamResponse; UpdateConferenceStreamRequest.Status: \"The status of the stream. Only "
          "'stopped' is allowed.\"; ConferenceStreamStatus `stopped`: \"Stream has been stopped.\""),
    _rule("stop-by-name", "SHOULD", Area.STATE,
          "The same update with the stream's Name in place of its sid stops the stream of that Name",
          f"{_SW_SPECS}, Name: \"Unique name for the Stream, per Conference. It is used to stop a Stream by "
          "name.\"; the only stop the documents give is POST .../Streams/{Sid}, so the Name goes in the {Sid} "
          "segment (as Twilio's \"The SID or the name of the Stream resource\"). A SHOULD: the path's Sid is "
          "`format: uuid`"),
    _rule("stop-unknown-404", "MUST", Area.STATE, "Stopping a stream sid that does not exist is answered 404",
          f"{_SW_UPDATE}, 404: \"The requested resource was not found. Please verify the resource "
          "identifier.\""),
    _rule("stop-status-only-stopped", "MUST", Area.STATE,
          "An update whose Status is not `stopped` is refused with a documented 4xx (400 or 422)",
          f"{_SW_UPDATE}: UpdateConferenceStreamRequest.Status `enum: [stopped]`, \"Only 'stopped' is "
          "allowed.\"; 400 and 422 are the update's documented refusals"),
    _rule("name-per-conference", "MUST", Area.STATE,
          "A Name live in one conference is accepted in another conference of the same account",
          f"{_SW_SPECS}, Name: \"Unique name for the Stream, per Conference.\" (run with two conferences: "
          "repeat --conference-sid)"),
    _rule("token-scope", "MUST", Area.AUTH,
          "A create with an API token without the Voice scope does not succeed: a documented 4xx with the error "
          "schema (--scopeless-token)",
          f"{_SW_REST}: {_PERMISSIONS}; signalwire/docs fern/products/compatibility-api/pages/rest-api/core/"
          "error-codes.mdx, 20003: \"There was an authentication error or API access is blocked for this "
          "feature\" (the operation documents 401 for it; 403 is not among its statuses)"),
)
LIFECYCLE_RULE_IDS = ("stop-by-sid", "stop-by-name", "stop-unknown-404", "stop-status-only-stopped")
"""Rules that change a stream's state (stop it): run only with --lifecycle (on against the embedded emulator)."""
PROBE_RULE_IDS = frozenset(r.id for r in _RUN_SIDE)
"""Rules only a probe judges: no request step offers them, whatever their area."""
STATE_OPEN_POINTS = (
    OpenPoint("name-after-stop", "A create reusing the Name of a stream just stopped (--lifecycle)",
              f"{_SW_SPECS}, Name: \"Unique name for the Stream, per Conference. It is used to stop a Stream by "
              "name.\": the documents do not say whether a stopped stream keeps its Name"),
)
_ALL = _ALL + _MEDIA + _RUN_SIDE

# --- breadth by principle (issue 18): classes found by walking every dimension of a request ----------------------
# (conformance/contract/dimensions.py lists the dimensions and their classes; this block holds the rules and
# positions that model needed and the registry lacked. Kept apart: other rules are added above.)
_RFC9110_MEDIA = ("RFC 9110 section 8.3.1: \"The type and subtype tokens are case-insensitive.\" and "
                  "`media-type = type \"/\" subtype parameters`; section 8.3.2: \"the charset parameter\"")
_BREADTH = (
    _rule("accept-content-type-forms", "MUST", Area.VALIDATION,
          "A valid form body is accepted under its media type with a parameter (charset=UTF-8) or in another "
          "letter case", "Operation: `Content-Type: application/x-www-form-urlencoded`; " + _RFC9110_MEDIA),
    _rule("body-json-malformed", "MUST", Area.VALIDATION,
          "A body declared application/json that is not JSON (truncated, trailing comma, single quotes, "
          "bare words) is rejected",
          "requestBody: `application/json`; RFC 8259 section 2: the JSON grammar; 400: \"The request was invalid "
          "or cannot be processed.\"", _V),
    _rule("body-not-object", "MUST", Area.VALIDATION,
          "A JSON body that is not an object (an array, a string, a number, true, null) is rejected",
          "CreateConferenceStreamRequest: `type: object`; 400: \"The request was invalid or cannot be "
          "processed.\"", _V),
)
_ALL = _ALL + _BREADTH
MEDIA_RULE_IDS = tuple(r.id for r in _MEDIA)
MEDIA_OPEN_POINT_IDS = tuple(p.id for p in MEDIA_OPEN_POINTS)
STATE_OPEN_POINT_IDS = tuple(p.id for p in STATE_OPEN_POINTS)

RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}
REQUEST_RULES: tuple[Rule, ...] = tuple(r for r in _ALL if r.breakable)
BODY_RULES: tuple[Rule, ...] = tuple(r for r in REQUEST_RULES if r.rejects_with == VALIDATION_STATUSES)
REQUEST_LEVEL_RULES: tuple[Rule, ...] = tuple(r for r in REQUEST_RULES if r.rejects_with != VALIDATION_STATUSES)


_URL_BASIS = ("Url/StatusCallback: `format: uri` (RFC 3986); SignalWire's stream documentation: \"The url does "
              "not support query string parameters\"; ARCHITECTURE.md: hosts and queries")
_TEXT_BASIS = ("Name, ParameterN.Name/Value, AuthorizationBearerToken: `type: string`, no length, pattern or "
               "character set given")


def _open(id, title, basis) -> InputClass:  # noqa: A002 - mirrors the field
    return InputClass(id, Position.OPEN, title, basis)


def _accept(id, title, basis, rule_id="accept-valid-form") -> InputClass:  # noqa: A002
    return InputClass(id, Position.ACCEPT, title, basis, rule_id)


_POSITIONS = (
    # --- must accept: the space valid generators draw from, where it is a decision --------------
    _accept("url-dns-reserved", "An absolute wss:// (http(s):// for StatusCallback) RFC 3986 URL on a DNS name, "
            "without query string, with or without port and path",
            _URL_BASIS + "; the suite only uses reserved names (RFC 2606, RFC 6761: .example, .test, .invalid, "
            "example.com/net/org), so a real service never dials anyone"),
    _accept("url-idn-ascii", "An internationalised host in its ASCII (punycode, xn--) form",
            "RFC 3986 section 3.2.2: a registered name is ASCII; RFC 5891: xn-- labels are how IDNs travel"),
    _accept("custom-params-complete", "Complete ParameterN.Name/ParameterN.Value pairs, N from 1 to 99, with gaps",
            "Parameter1.Name: \"You can pass up to 99 custom parameters using `Parameter1.Name` through "
            "`Parameter99.Name`.\""),
    _accept("text-inner-whitespace", "Text with spaces inside (ASCII, no-break, ideographic)", _TEXT_BASIS),
    _accept("text-non-bmp", "Text with characters outside the Basic Multilingual Plane (emoji, U+1D11E)",
            _TEXT_BASIS + "; JSON (RFC 8259) and UTF-8 forms carry any Unicode scalar value"),
    _accept("text-form-specials", "Text with %, +, &, = and ; (what form encoding must escape)",
            _TEXT_BASIS + "; application/x-www-form-urlencoded escapes them, so the server must decode them back"),
    _accept("text-empty-value", "An empty ParameterN.Value in a complete pair", _TEXT_BASIS + " (no minLength)"),
    _accept("bearer-token68", "A bearer token of RFC 6750 b64token characters (letters, digits, -._~+/ and "
            "trailing =)", "AuthorizationBearerToken: \"Bearer token for authorization with the WebSocket "
            "server.\"; RFC 6750 section 2.1: b64token"),
    _accept("auth-scheme-any-case", "The Basic scheme in any letter case, with the right credentials",
            "RFC 9110 section 11.1; RFC 7617 section 2 (case-insensitive scheme). Go's net/http and Python's "
            "werkzeug both fold it", "auth-scheme-case"),
    # --- open: either answer conforms; only the universal rules judge ---------------------------------
    _open("custom-param-zero", "A custom parameter numbered 0 (Parameter0.Name/Value)",
          "Parameter1.Name: \"... using `Parameter1.Name` through `Parameter99.Name`\": 0 is neither allowed "
          "nor forbidden; ARCHITECTURE.md: no position"),
    _open("custom-param-half-pair", "A ParameterN.Name without its ParameterN.Value, or the reverse",
          "ARCHITECTURE.md: no position (a server may default the value to empty, or reject the pair)"),
    _open("custom-param-duplicate-name", "Two ParameterN pairs with the same name",
          "Parameter1.Name: \"Custom parameter name\": nothing says names are distinct, nor which value wins"),
    _open("unknown-fields", "Fields the document does not define",
          "CreateConferenceStreamRequest: no `additionalProperties`; ARCHITECTURE.md: no position"),
    _open("url-iri-host", "A Url or StatusCallback whose host is written in Unicode (an IRI, not an RFC 3986 URI)",
          _URL_BASIS + "; RFC 3987: an IRI is not a URI until mapped; a server may map it or reject it"),
    _open("url-query", "A Url or StatusCallback with a query string", _URL_BASIS),
    _open("url-ip-literal", "A Url or StatusCallback on an IP literal (only RFC 5737 / RFC 3849 documentation "
          "addresses are ever sent)", _URL_BASIS + "; a service may refuse to dial addresses (SSRF protection)"),
    _open("url-localhost", "A Url or StatusCallback on localhost",
          _URL_BASIS + "; RFC 6761 section 6.3: localhost is special; a service may refuse to dial it"),
    _open("url-fragment", "A Url with a fragment (#...)",
          "RFC 6455 section 3: \"Fragment identifiers are meaningless in the context of WebSocket URIs and MUST "
          "NOT be used on these URIs\"; RFC 3986 allows them: a server may ignore or reject it"),
    _open("url-scheme-case", "A Url written WSS:// (or StatusCallback HTTPS://)",
          "RFC 3986 section 3.1: \"schemes are case-insensitive ... should accept uppercase letters\" (a "
          "should, not a must); the document says \"The only supported protocol is wss\""),
    _open("auth-odd-spacing", "The right credentials with several spaces, or a tab, after Basic",
          "RFC 9110 section 11.4: `credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]` allows "
          "several spaces, no tab; the document: \"the word Basic followed by a space\"; Go's net/http "
          "accepts exactly one space. Too disputed to require"),
    _open("text-empty", "Empty text: Name, ParameterN.Name, AuthorizationBearerToken",
          _TEXT_BASIS + "; an empty Name is treated as no name when accepted (README, deviations)"),
    _open("text-edge-whitespace", "Text with whitespace at either end", _TEXT_BASIS + "; a server may trim or "
          "reject it (when it answers 200, name must still be the Name sent)"),
    _open("text-control-chars", "Text with control characters (U+0000-U+001F, U+007F), or format, private-use, "
          "unassigned or line-separator code points (Unicode categories Cc, Cf, Co, Cn, Zl, Zp)",
          _TEXT_BASIS + "; RFC 9110 section 5.5 forbids them in header fields, where a bearer token ends up"),
    _open("text-very-long", "Text longer than 256 characters (the suite sends 2,000 to 5,000)",
          _TEXT_BASIS + "; a server may cap lengths (with a documented status, never a 5xx)"),
    _open("bearer-not-token68", "A bearer token with characters outside b64token (spaces, quotes, non-ASCII)",
          "RFC 6750 section 2.1: `b64token`; it goes into the WebSocket upgrade's Authorization header"),
    _open("problem-order", "Which problem a request with several is reported for, and in which order",
          "ARCHITECTURE.md: the order in which problems are reported: no position (the suite never labels a "
          "request with more than one rule)"),
)
# --- breadth by principle (issue 18): positions of the dimension model's new classes ----------------------------
_CT_BASIS = "Operation: `Content-Type: application/x-www-form-urlencoded`; requestBody: `application/json`"
_POSITIONS = _POSITIONS + (
    _accept("content-type-variants", "The form media type with `; charset=UTF-8` (any case of the parameter), or "
            "written in upper or mixed case", _RFC9110_MEDIA, "accept-content-type-forms"),
    _open("content-type-other", "A body under another media type (text/plain, multipart/form-data, "
          "application/xml, application/octet-stream) or a form body labelled JSON",
          _CT_BASIS + "; RFC 9110 section 15.5.16: 415 Unsupported Media Type (not in the document: allowed "
          "here, see EXTRA_STATUSES)"),
    _open("json-duplicate-keys", "A JSON object with a key given twice (Url, Name)",
          "RFC 8259 section 4: \"The names within an object SHOULD be unique.\" ... \"Many implementations report "
          "the last name/value pair only. Other implementations report an error\""),
    _open("form-duplicate-keys", "A form body with a field given twice (Url, Name)",
          "WHATWG URL application/x-www-form-urlencoded parsing keeps every pair; the document says nothing of "
          "repeats: a server may take the first, the last, or reject"),
    _open("json-null-field", "An optional field given as JSON null",
          "CreateConferenceStreamRequest: optional fields are `type: string` (not nullable); a server may read "
          "null as absent (many do) or reject it"),
    _open("body-deep", "A field nested very deep (arrays or objects 5,000 levels down)",
          "RFC 8259 section 9: \"An implementation may set limits on the maximum depth of nesting.\""),
    _open("body-large", "A body of 64 KiB (one long parameter value), or 1,000 fields",
          "The document sets no body size; RFC 9110 section 15.5.14: 413 Content Too Large (not in the "
          "document: allowed here, see EXTRA_STATUSES)"),
    _open("body-bad-encoding", "A body that is not UTF-8 or not well encoded: %FF, a bad percent-escape, a "
          "UTF-8 byte-order mark, UTF-16 JSON",
          "RFC 8259 section 8.1: JSON \"MUST be encoded using UTF-8\", and implementations \"MAY ignore the "
          "presence of a BOM rather than treating it as an error\"; form decoding of bad escapes is lenient in "
          "WHATWG (kept as is) and strict elsewhere"),
    _open("auth-base64-variants", "The right credentials in another base64 spelling: no padding, the URL-safe "
          "alphabet, a line break", "RFC 7617 section 2: base64 (RFC 4648 section 4); RFC 4648 section 3.2 lets "
          "a decoder accept missing padding where the data is specified otherwise; too disputed to require"),
    _open("auth-user-case", "The project id written in upper case, with the right token",
          "SignalWireBasicAuth: \"The project ID will be used as the username\"; a project id is a UUID, and RFC "
          "9562 section 4: \"case insensitive on input\"; RFC 7617 compares user-ids as given"),
    _open("path-sid-case", "The AccountSid or ConferenceSid in the path written in upper case",
          "AccountSid, ConferenceSid: `format: uuid`; RFC 9562 section 4: UUIDs are \"case insensitive on "
          "input\", RFC 3986 section 6.2.2.1: path characters other than percent-encodings are case-sensitive"),
)
EXTRA_STATUSES: dict[str, frozenset[int]] = {
    "body-large": frozenset({413}), "body-deep": frozenset({413}), "content-type-other": frozenset({415}),
}
"""Undocumented statuses that still conform for an open class: the HTTP status that names exactly the
refusal (RFC 9110). Only status-documented reads it; a 5xx is never one."""
POSITIONS: dict[str, InputClass] = {c.id: c for c in _POSITIONS}
OPEN_POINTS: dict[str, InputClass] = {c.id: c for c in _POSITIONS if c.position is Position.OPEN}


def open_point(point_id: str) -> InputClass | OpenPoint:
    """A REST open point (an input class) or a media one (a behaviour of the stream)."""
    found = OPEN_POINTS.get(point_id) or next((p for p in MEDIA_OPEN_POINTS + STATE_OPEN_POINTS
                                               if p.id == point_id), None)
    if found is None:
        raise KeyError(f"unknown open point {point_id!r}; known: {', '.join(OPEN_POINTS)}, "
                       f"{', '.join(MEDIA_OPEN_POINT_IDS)}")
    return found


def get(rule_id: str) -> Rule:
    try:
        return RULES[rule_id]
    except KeyError:
        raise KeyError(f"unknown rule id {rule_id!r}; known: {', '.join(RULES)}") from None
