"""Allowed variants: the emulator answering differently where the contract lets it. The mirror of
`broken_servers.py`: the suite must pass every one of these (exit 0, no FAIL).

One per row of ARCHITECTURE.md's decision table that admits more than one answer, one (or two: both
answers) per open point of the registry, one per SHOULD-level deviation (WARN, exit 0), and the
behaviour the document leaves free, found reading it and RFCs 3986, 5322, 7617 and 9110 as a
vendor's engineer would. Each entry: the subclass, and the rules that must show WARN (none: all PASS).
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
import unicodedata
import uuid
from urllib.parse import urlsplit

from conformance.emulator import API_ROOT, EmulatorApp, HTTPError, ValidationFailed

from .broken_servers import DuplicateNamesAllowed, NoStopByName, RejectsJson

_PARAM = re.compile(r"^Parameter(\d+)\.(Name|Value)$")
_DOCUMENTED = {"Name", "Track", "StatusCallbackMethod", "StatusCallback", "Url", "StreamCodec", "StreamRealTime",
               "AuthorizationBearerToken"}
_TEXT_FIELDS = ("Name", "AuthorizationBearerToken")


class _Rejects(EmulatorApp):
    """Rejects, with a 422, what `problem(fields)` names: a stricter server where the contract is open."""

    def problem(self, fields: dict) -> str | None:
        return None

    def validate(self, fields):
        problem = self.problem(fields)
        if problem:
            raise ValidationFailed([problem])
        super().validate(fields)


def _texts(fields: dict) -> list[str]:
    return [v for k, v in fields.items() if isinstance(v, str) and (k in _TEXT_FIELDS or _PARAM.match(k))]


def _urls(fields: dict) -> list[str]:
    return [fields[k] for k in ("Url", "StatusCallback") if isinstance(fields.get(k), str)]


def _stamp(fmt: str) -> str:
    return time.strftime(fmt, time.gmtime())


# --- rows of the decision table that admit more than one answer ------------------------------------
class Validation400(EmulatorApp):
    """400 with the error schema instead of 422 for every validation problem."""

    def validate(self, fields):
        try:
            super().validate(fields)
        except ValidationFailed as exc:
            raise HTTPError(400, 21602, "; ".join(exc.problems)) from None


class ForeignAccount404(EmulatorApp):
    def check_account(self, account_sid):
        if account_sid != self.settings.project_id:
            raise HTTPError(404, 20404, "The requested resource was not found")


class StatusInProgress(EmulatorApp):
    def stream_body(self, stream):
        return {**super().stream_body(stream), "status": "in-progress" if stream.status == "queued" else stream.status}


class UriWithoutJsonSuffix(EmulatorApp):
    def stream_body(self, stream):
        body = super().stream_body(stream)
        return {**body, "uri": body["uri"].removesuffix(".json")}


class UriTwilioRoot(EmulatorApp):
    """The stream's path under the shorter root Twilio's API uses (/2010-04-01)."""

    def stream_body(self, stream):
        body = super().stream_body(stream)
        return {**body, "uri": body["uri"].replace(API_ROOT, "/2010-04-01", 1)}


class UriAbsolute(EmulatorApp):
    def stream_body(self, stream):
        body = super().stream_body(stream)
        return {**body, "uri": "https://vendor.example" + body["uri"]}


class DatePlusZero(EmulatorApp):
    def stream_body(self, stream):
        return {**super().stream_body(stream), "date_updated": _stamp("%a, %d %b %Y %H:%M:%S +0000")}


class DateWithoutWeekday(EmulatorApp):
    """RFC 5322 section 3.3: `[ day-of-week "," ]` is optional."""

    def stream_body(self, stream):
        return {**super().stream_body(stream), "date_updated": _stamp("%d %b %Y %H:%M:%S GMT")}


class DateOneDigitDayUT(EmulatorApp):
    """RFC 5322: a day of one digit, and the obsolete zone `UT` (section 4.3), both still dates in GMT."""

    def stream_body(self, stream):
        now = time.gmtime()
        return {**super().stream_body(stream), "date_updated": f"{now.tm_mday} " + time.strftime("%b %Y %H:%M:%S UT",
                                                                                                   now)}


class ExtraFieldsIn200(EmulatorApp):
    def stream_body(self, stream):
        return {**super().stream_body(stream), "api_version": "2010-04-01", "date_created": None,
                "subresource_uris": {}, "track": "both_tracks"}


class EmptyNameAsEmptyString(EmulatorApp):
    """An empty Name answered as "" rather than null (both say: no name)."""

    def stream_body(self, stream):
        body = super().stream_body(stream)
        return {**body, "name": "" if body["name"] is None and stream.fields.get("Name") == "" else body["name"]}


# --- behaviour the document does not constrain ---------------------------------------------------------
class _Headers(EmulatorApp):
    content_type = b"application/json"
    extra: tuple = ()

    async def respond(self, send, status, body, headers):
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", self.content_type), *self.extra, *headers]})
        await send({"type": "http.response.body", "body": payload})


class CharsetParameter(_Headers):
    content_type = b"application/json; charset=utf-8"


class ConnectionClose(_Headers):
    extra = ((b"connection", b"close"),)


class WwwAuthenticateOn401(EmulatorApp):
    """RFC 9110 section 11.6.1: a 401 carries a challenge."""

    def authenticate(self, header):
        try:
            super().authenticate(header)
        except HTTPError as exc:
            raise HTTPError(401, exc.code, exc.message, [(b"www-authenticate", b'Basic realm="SignalWire"')]) from None


class SlowServer(EmulatorApp):
    async def handle(self, scope, receive):
        await asyncio.sleep(0.01)
        return await super().handle(scope, receive)


class FirstProblemOnly(EmulatorApp):
    """Reports only the first problem (open point problem-order)."""

    def validate(self, fields):
        try:
            super().validate(fields)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.problems[:1]) from None


# --- open points, the other answer ------------------------------------------------------------------------
class RejectsUnknownFields(_Rejects):
    def problem(self, fields):
        unknown = [k for k in fields if k not in _DOCUMENTED and not _PARAM.match(k)]
        return f"unknown field {unknown[0]}" if unknown else None


class RejectsHalfPairs(_Rejects):
    def problem(self, fields):
        halves: dict[str, set] = {}
        for key in fields:
            if m := _PARAM.match(key):
                halves.setdefault(m.group(1), set()).add(m.group(2))
        return "every ParameterN.Name needs its ParameterN.Value" if any(len(h) == 1 for h in halves.values()) else None


class RejectsDuplicateParameterNames(_Rejects):
    def problem(self, fields):
        names = [v for k, v in fields.items() if k.endswith(".Name") and _PARAM.match(k)]
        return "custom parameter names must be distinct" if len(names) != len(set(names)) else None


class AcceptsParameterZero(EmulatorApp):
    def validate(self, fields):
        super().validate({k: v for k, v in fields.items() if not k.startswith("Parameter0.")})


class RejectsIri(_Rejects):
    """An RFC 3986 reading of `format: uri`: a host in Unicode is not a URI."""

    def problem(self, fields):
        return "Url must be a URI (RFC 3986); write the host in its ASCII form" if any(
            not u.isascii() for u in _urls(fields)) else None


class RejectsQueryStrings(_Rejects):
    """SignalWire: "The url does not support query string parameters"."""

    def problem(self, fields):
        return "URLs must not have a query string" if any("?" in u for u in _urls(fields)) else None


class RefusesIpAndLocalhost(_Rejects):
    """SSRF protection: dials only DNS names."""

    def problem(self, fields):
        for url in _urls(fields):
            try:
                host = urlsplit(url).hostname or ""
            except ValueError:
                continue
            if host == "localhost" or re.fullmatch(r"[0-9.]+", host) or ":" in host:
                return f"refusing to dial {host}"
        return None


class RejectsFragments(_Rejects):
    """RFC 6455 section 3: no fragment in a WebSocket URI."""

    def problem(self, fields):
        url = fields.get("Url")
        return "a WebSocket URL has no fragment" if isinstance(url, str) and "#" in url else None


class AcceptsUppercaseScheme(EmulatorApp):
    """RFC 3986 section 3.1: schemes are case-insensitive."""

    def validate(self, fields):
        lowered = {}
        for key in ("Url", "StatusCallback"):
            value = fields.get(key)
            if isinstance(value, str) and "://" in value:
                scheme, rest = value.split("://", 1)
                lowered[key] = scheme.lower() + "://" + rest
        super().validate({**fields, **lowered})


class RejectsEmptyText(_Rejects):
    def problem(self, fields):
        empty = [k for k, v in fields.items() if v == "" and (k in _TEXT_FIELDS or k.endswith(".Name"))]
        return f"{empty[0]} must not be empty" if empty else None


class RejectsEdgeWhitespace(_Rejects):
    def problem(self, fields):
        return "text must not start or end with whitespace" if any(t != t.strip() for t in _texts(fields)) else None


class RejectsControlCharacters(_Rejects):
    def problem(self, fields):
        odd = {"Cc", "Cf", "Co", "Cn", "Zl", "Zp"}
        return "text must not contain control characters" if any(
            unicodedata.category(ch) in odd for t in _texts(fields) for ch in t) else None


class RejectsLongText(EmulatorApp):
    """Caps text at 256 characters, with a 400 and the error schema."""

    def validate(self, fields):
        if any(len(t) > 256 for t in _texts(fields)):
            raise HTTPError(400, 21617, "text fields are limited to 256 characters")
        super().validate(fields)


class RejectsNonToken68Bearer(_Rejects):
    def problem(self, fields):
        token = fields.get("AuthorizationBearerToken")
        if isinstance(token, str) and token and not re.fullmatch(r"[A-Za-z0-9\-._~+/]+=*", token):
            return "AuthorizationBearerToken must be a b64token (RFC 6750)"
        return None


class StrictSingleSpaceAuth(EmulatorApp):
    """Go's net/http reading: exactly `Basic ` (any case) and the base64, nothing else."""

    def authenticate(self, header):
        if header and re.match(rb"(?i)basic\s\s", header):
            raise HTTPError(401, 20003, "Authentication Error - invalid username or token")
        super().authenticate(header)


# --- SHOULD-level deviations: WARN, exit 0 -------------------------------------------------------------
class CaseInsensitiveEnums(EmulatorApp):
    """Twilio's lineage: enum values folded to their documented spelling."""

    def validate(self, fields):
        from conformance.contract import document

        folded = {}
        for field in document.ENUM_FIELDS:
            value = fields.get(field)
            if isinstance(value, str):
                match = [m for m in document.enum_values(field) if m.casefold() == value.casefold()]
                folded[field] = match[0] if match else value
        super().validate({**fields, **folded})


class OtherAuthErrorCode(EmulatorApp):
    def error_body(self, status, code, message):
        return super().error_body(status, 20005 if status == 401 else code, message)


class OtherNotFoundErrorCode(EmulatorApp):
    def error_body(self, status, code, message):
        return super().error_body(status, 20001 if status == 404 else code, message)


class NewStreamStopped(EmulatorApp):
    def stream_body(self, stream):
        return {**super().stream_body(stream), "status": "stopped"}



class JsonAmidWhitespace(EmulatorApp):
    """RFC 8259 section 2: `JSON-text = ws value ws`; whitespace around the value is insignificant."""

    async def respond(self, send, status, body, headers):
        payload = b"\r\n  " + json.dumps(body, indent=2).encode("utf-8") + b"\n\n"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json; charset=utf-8"), *headers]})
        await send({"type": "http.response.body", "body": payload})


class EscapedNonAscii(EmulatorApp):
    """Non-ASCII as \\u escapes (RFC 8259 section 7) and members in another order: the same JSON."""

    async def respond(self, send, status, body, headers):
        if isinstance(body, dict):
            body = dict(reversed(list(body.items())))
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"Application/JSON"), *headers]})
        await send({"type": "http.response.body", "body": json.dumps(body, ensure_ascii=True).encode("ascii")})
# --- issue 19 (run side) --------------------------------------------------------------------------------
class NameKeptAfterStop(EmulatorApp):
    """A stopped stream keeps its Name: reusing it is refused (the open point name-after-stop, answered 422)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.retired: set = set()

    def create(self, account_sid, conference_sid, fields):
        if fields.get("Name") and (account_sid, conference_sid, fields["Name"]) in self.retired:
            raise ValidationFailed([f"the Name {fields['Name']!r} belonged to a stopped stream"])
        return super().create(account_sid, conference_sid, fields)

    def update(self, account_sid, conference_sid, stream_sid, fields):
        stopped = super().update(account_sid, conference_sid, stream_sid, fields)
        if stopped.name:
            self.retired.add((account_sid, conference_sid, stopped.name))
        return stopped


class UpdateStatus400(EmulatorApp):
    """A Status other than stopped refused with 400 and the error schema, not 422."""

    def update(self, account_sid, conference_sid, stream_sid, fields):
        if fields.get("Status") != "stopped":
            raise HTTPError(400, 21600, "Status must be stopped")
        return super().update(account_sid, conference_sid, stream_sid, fields)


class ScopelessNotFound(EmulatorApp):
    """A token without the Voice scope sees no conference: 404 (a documented refusal), not 401."""

    def authenticate(self, header):
        try:
            super().authenticate(header)
        except HTTPError as exc:
            if "Voice scope" in exc.message:
                raise HTTPError(404, 20404, "The requested resource was not found") from None
            raise



# --- breadth by principle (issue 18): the dimension model's open classes answered the other way, and freedoms ---
def _media_kind(content_type) -> bytes:
    return (content_type or b"").split(b";")[0].strip().lower()


class SniffsBodies(EmulatorApp):
    """RFC 9110 section 8.3: a recipient MAY examine the data: any other media type is read as JSON or form."""

    def decode(self, content_type, raw):
        if _media_kind(content_type) in (b"application/x-www-form-urlencoded", b"application/json"):
            if raw.lstrip().startswith(b"{") and _media_kind(content_type) != b"application/json":
                return super().decode(b"application/json", raw)
            return super().decode(content_type, raw)
        return super().decode(b"application/json" if raw.lstrip().startswith(b"{") else None, raw)


class UnsupportedMediaType415(EmulatorApp):
    """RFC 9110 section 15.5.16: 415 for a media type it does not read (the error schema, code 21600)."""

    def decode(self, content_type, raw):
        if content_type and _media_kind(content_type) not in (b"application/x-www-form-urlencoded",
                                                                b"application/json"):
            raise HTTPError(415, 21600, "Unsupported Media Type")
        return super().decode(content_type, raw)


class RejectsDuplicateJsonKeys(EmulatorApp):
    """RFC 8259 section 4: \"Other implementations report an error\"."""

    def decode(self, content_type, raw):
        if _media_kind(content_type) == b"application/json":
            def pairs(items):
                if len({k for k, _ in items}) != len(items):
                    raise ValueError("duplicate key")
                return dict(items)
            try:
                json.loads(raw, object_pairs_hook=pairs)
            except ValueError as exc:
                if "duplicate key" in str(exc):
                    raise HTTPError(400, 21600, "a JSON key is given more than once") from None
        return super().decode(content_type, raw)


class LastFormValueWins(EmulatorApp):
    """The WHATWG/most frameworks' reading of a repeated form field: the last one."""

    def decode(self, content_type, raw):
        if _media_kind(content_type) in (b"", b"application/x-www-form-urlencoded") and raw:
            seen: dict = {}
            for pair in raw.split(b"&"):
                seen[pair.partition(b"=")[0]] = pair
            raw = b"&".join(seen.values())
        return super().decode(content_type, raw)


class NullIsAbsent(EmulatorApp):
    """Reads a JSON null as an absent field (what most JSON binders do)."""

    def validate(self, fields):
        super().validate({k: v for k, v in fields.items() if v is not None or k == "Url"})

    def create(self, account_sid, conference_sid, fields):
        return super().create(account_sid, conference_sid,
                              {k: v for k, v in fields.items() if v is not None or k == "Url"})


class DeepJsonAccepted(EmulatorApp):
    """A parser without a depth limit (RFC 8259 section 9 allows one, and does not require it)."""

    def decode(self, content_type, raw):
        import sys

        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 30000))
        try:
            return super().decode(content_type, raw)
        finally:
            sys.setrecursionlimit(limit)


class LargeBody413(EmulatorApp):
    """RFC 9110 section 15.5.14: 413 Content Too Large above 32 KiB."""

    async def read_body(self, headers, receive):
        raw = await super().read_body(headers, receive)
        if len(raw) > 32 * 1024:
            raise HTTPError(413, 21617, "the request body is larger than 32 KiB")
        return raw


class LenientBodyDecoding(EmulatorApp):
    """WHATWG form decoding: bad escapes kept as they are, bytes that are not UTF-8 replaced; a JSON BOM skipped."""

    def decode(self, content_type, raw):
        from urllib.parse import parse_qsl

        kind = _media_kind(content_type)
        if kind == b"application/json":
            raw = raw.removeprefix(b"\xef\xbb\xbf")
            if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
                raw = raw.decode("utf-16").encode()
            return super().decode(content_type, raw)
        if kind in (b"", b"application/x-www-form-urlencoded"):
            return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True, errors="replace"))
        return super().decode(content_type, raw)


class LenientBase64Auth(EmulatorApp):
    """Decodes the credentials leniently: padding ignored and redone, the URL-safe alphabet mapped."""

    def authenticate(self, header):
        if header and header[:6].lower() == b"basic " and b" " not in header[6:].strip():
            encoded = header[6:].strip().replace(b"-", b"+").replace(b"_", b"/").rstrip(b"=")
            header = header[:6] + encoded + b"=" * (-len(encoded) % 4)
        super().authenticate(header)


class CaseInsensitiveProjectId(EmulatorApp):
    """RFC 9562 section 4: a UUID is case-insensitive on input, the project id too."""

    def authenticate(self, header):
        if header and header[:6].lower() == b"basic ":
            try:
                user, _, token = base64.b64decode(header[6:].strip()).decode().partition(":")
                header = b"Basic " + base64.b64encode(f"{user.lower()}:{token}".encode())
            except (ValueError, UnicodeDecodeError):
                pass
        super().authenticate(header)


class CaseInsensitiveSids(EmulatorApp):
    """UUIDs in the path read case-insensitively (and echoed in the canonical lower case)."""

    async def handle(self, scope, receive):
        path = scope["path"]
        lowered = re.sub(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}",
                         lambda m: m.group(0).lower(), path)
        return await super().handle({**scope, "path": lowered}, receive)




class _ThrottlesNow(EmulatorApp):
    """A 429 for every 25th request (SignalWire code 20429), with `retry_after` as its Retry-After."""

    retry_after: bytes | None = None

    def throttle(self):
        if self.requests_seen % 25 == 0:
            headers = [(b"retry-after", self.retry_after())] if self.retry_after else []
            raise HTTPError(429, 20429, "Too Many Requests", headers)
        super().throttle()


class Throttles429HttpDate(_ThrottlesNow):
    """RFC 9110 section 10.2.3: Retry-After as an HTTP-date (one second ahead)."""

    @staticmethod
    def retry_after():
        from email.utils import formatdate

        return formatdate(time.time() + 1, usegmt=True).encode()


class Throttles429Bare(_ThrottlesNow):
    """A 429 with no Retry-After at all."""

    retry_after = None



# --- faithful to the real service (issue 19): what SignalWire's documents allow ---------------------------
class ForeignAccount400(EmulatorApp):
    """Another account's AccountSid refused with 400 and SignalWire's code 10004 ("The subproject ID passed does
    not belong to the project used to authenticate the request")."""

    def check_account(self, account_sid):
        if account_sid != self.settings.project_id:
            raise HTTPError(400, 10004, "The subproject ID passed does not belong to the project used to "
                                        "authenticate the request")


class ForeignAccount404With10004(EmulatorApp):
    """404 for another account's AccountSid, with 10004 rather than 20404 (no WARN: 10004 names this case)."""

    def check_account(self, account_sid):
        if account_sid != self.settings.project_id:
            raise HTTPError(404, 10004, "The subproject ID passed does not belong to the project used to "
                                        "authenticate the request")


class NameDefaultsToSid(EmulatorApp):
    """No Name sent: the 200's name is the stream's sid (stream.mdx, StreamName: "Defaults to the StreamSid")."""

    def stream_body(self, stream):
        body = super().stream_body(stream)
        return {**body, "name": body["name"] if stream.fields.get("Name") else stream.sid}


class TrimsEnumValues(EmulatorApp):
    """Trims Track, StatusCallbackMethod and StreamCodec before matching ("both_tracks " taken as both_tracks):
    a SHOULD deviation (enum-whitespace), a WARN, never a FAIL."""

    def validate(self, fields):
        from conformance.contract import document

        trimmed = {f: fields[f].strip() for f in document.ENUM_FIELDS if isinstance(fields.get(f), str)}
        super().validate({**fields, **trimmed})


class Validation422ErrorObject(EmulatorApp):
    """422 in the Call Stream endpoint's shape (CompatibilityErrorResponse), not the errors array."""

    def validate(self, fields):
        try:
            super().validate(fields)
        except ValidationFailed as exc:
            raise HTTPError(422, 21602, "; ".join(exc.problems)) from None


class MalformedConference400(EmulatorApp):
    """A ConferenceSid that is not a UUID refused as an invalid request (400), before any lookup."""

    def check_conference(self, conference_sid):
        try:
            uuid.UUID(conference_sid)
        except ValueError:
            raise HTTPError(400, 21602, "ConferenceSid must be a UUID") from None
        super().check_conference(conference_sid)


class RefusesUnlistedCodecs(EmulatorApp):
    """Refuses a create with StreamCodec PCMA or plain L16 (422): the stream page's Supported codecs list only
    PCMU and L16 at 16000h or 24000h."""

    def validate(self, fields):
        if fields.get("StreamCodec") in ("PCMA", "L16"):
            raise ValidationFailed([f"StreamCodec {fields['StreamCodec']} is not enabled for this account"])
        super().validate(fields)


ALLOWED = [
    (Validation400, ()),
    (ForeignAccount404, ()),
    (StatusInProgress, ()),
    (UriWithoutJsonSuffix, ()),
    (UriTwilioRoot, ()),
    (UriAbsolute, ()),
    (DatePlusZero, ()),
    (DateWithoutWeekday, ()),
    (DateOneDigitDayUT, ()),
    (ExtraFieldsIn200, ()),
    (EmptyNameAsEmptyString, ()),
    (CharsetParameter, ()),
    (ConnectionClose, ()),
    (WwwAuthenticateOn401, ()),
    (SlowServer, ()),
    (FirstProblemOnly, ()),
    (RejectsUnknownFields, ()),
    (RejectsHalfPairs, ()),
    (RejectsDuplicateParameterNames, ()),
    (AcceptsParameterZero, ()),
    (RejectsIri, ()),
    (RejectsQueryStrings, ()),
    (RefusesIpAndLocalhost, ()),
    (RejectsFragments, ()),
    (AcceptsUppercaseScheme, ()),
    (RejectsEmptyText, ()),
    (RejectsEdgeWhitespace, ()),
    (RejectsControlCharacters, ()),
    (RejectsLongText, ()),
    (RejectsNonToken68Bearer, ()),
    (StrictSingleSpaceAuth, ()),
    (CaseInsensitiveEnums, ("track-case", "codec-case", "callback-method-case")),
    (DuplicateNamesAllowed, ("name-unique", "name-unique-concurrent")),
    (RejectsJson, ("accept-valid-json",)),
    (OtherAuthErrorCode, ("auth-error-code",)),
    (OtherNotFoundErrorCode, ("not-found-error-code",)),
    (NewStreamStopped, ("status-new",)),
    (JsonAmidWhitespace, ()),
    (EscapedNonAscii, ()),
    (NameKeptAfterStop, ()),
    (UpdateStatus400, ()),
    (ScopelessNotFound, ()),
    (NoStopByName, ("stop-by-name",)),
    # breadth by principle (issue 18)
    (SniffsBodies, ()),
    (UnsupportedMediaType415, ()),
    (RejectsDuplicateJsonKeys, ()),
    (LastFormValueWins, ()),
    (NullIsAbsent, ()),
    (DeepJsonAccepted, ()),
    (LargeBody413, ()),
    (LenientBodyDecoding, ()),
    (LenientBase64Auth, ()),
    (CaseInsensitiveProjectId, ()),
    (CaseInsensitiveSids, ()),
    (Throttles429HttpDate, ()),
    (Throttles429Bare, ()),
    # faithful to the real service (issue 19)
    (ForeignAccount400, ()),
    (ForeignAccount404With10004, ()),
    (NameDefaultsToSid, ()),
    (TrimsEnumValues, ("enum-whitespace",)),
    (Validation422ErrorObject, ()),
    (MalformedConference400, ()),
    (RefusesUnlistedCodecs, ()),
]
