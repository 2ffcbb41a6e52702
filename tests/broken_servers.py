"""Deliberately broken servers: the emulator with one realistic defect each.

Each entry: the subclass, the rule the suite must name, and the exit status it must end with
(1 for a MUST rule, 0 for a SHOULD rule, which is reported as WARN).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import unicodedata
import uuid
from email.utils import formatdate
from urllib.parse import unquote, urlsplit

from conformance.emulator import EmulatorApp, HTTPError, ValidationFailed


def _renamed(fields: dict, key: str, value) -> dict:
    return {**fields, key: value}


class NoAuth(EmulatorApp):
    def authenticate(self, header):
        if header is None:
            return
        super().authenticate(header)


class AnyToken(EmulatorApp):
    def authenticate(self, header):
        import base64

        if header and header.startswith(b"Basic "):
            user = base64.b64decode(header[6:]).decode().partition(":")[0]
            if user == self.settings.project_id:
                return
        super().authenticate(header)


class AcceptsBearer(EmulatorApp):
    def authenticate(self, header):
        if header and header.startswith(b"Bearer "):
            return
        super().authenticate(header)


class IgnoresScheme(EmulatorApp):
    """Decodes the credentials whatever scheme names them (Bearer, Token, ...): only Basic carries them."""

    def authenticate(self, header):
        if header and b" " in header:
            header = b"Basic " + header.partition(b" ")[2]
        super().authenticate(header)


class ForeignAccount(EmulatorApp):
    def check_account(self, account_sid):
        return None


class AnyConference(EmulatorApp):
    def check_conference(self, conference_sid):
        uuid.UUID(conference_sid) if len(conference_sid) == 36 else super().check_conference(conference_sid)


class MalformedConferenceCrash(EmulatorApp):
    def check_conference(self, conference_sid):
        try:
            uuid.UUID(conference_sid)
        except ValueError:
            raise HTTPError(500, 0, "Internal Server Error") from None
        super().check_conference(conference_sid)


class _Lenient(EmulatorApp):
    """Validates a rewritten copy of the fields: the rewrite is the defect."""

    def rewrite(self, fields: dict) -> dict:
        return fields

    def validate(self, fields):
        super().validate(self.rewrite(fields))


class AcceptsWs(_Lenient):
    def rewrite(self, fields):
        url = fields.get("Url")
        if isinstance(url, str) and url.startswith("ws://"):
            return _renamed(fields, "Url", "wss://" + url[5:])
        return fields


class AcceptsRelativeUrl(_Lenient):
    def rewrite(self, fields):
        url = fields.get("Url")
        if isinstance(url, str) and "://" not in url and url:
            return _renamed(fields, "Url", "wss://example.com/" + url.lstrip("/"))
        return fields


class AcceptsEmptyHost(_Lenient):
    """Checks that an authority is there, not that it names a host (the emulator's own early bug)."""

    def rewrite(self, fields):
        url = fields.get("Url")
        if isinstance(url, str) and url.startswith("wss://") and urlsplit(url).hostname in (None, ""):
            return _renamed(fields, "Url", "wss://example.com/" + url[len("wss://"):].lstrip("/:@0123456789"))
        return fields


class StripsUrlWhitespace(_Lenient):
    def rewrite(self, fields):
        url = fields.get("Url")
        if isinstance(url, str) and url != url.strip():
            return _renamed(fields, "Url", url.strip())
        return fields


class UrlOptional(_Lenient):
    def rewrite(self, fields):
        return fields if fields.get("Url") else _renamed(fields, "Url", "wss://default.example.com/")


class AnyTrack(_Lenient):
    def rewrite(self, fields):
        return {k: v for k, v in fields.items() if k != "Track"}


class CaseInsensitiveTrack(_Lenient):
    def rewrite(self, fields):
        track = fields.get("Track")
        return _renamed(fields, "Track", track.lower()) if isinstance(track, str) else fields


class AnyCodec(_Lenient):
    def rewrite(self, fields):
        return {k: v for k, v in fields.items() if k != "StreamCodec"}


class AnyCallbackMethod(_Lenient):
    def rewrite(self, fields):
        return {k: v for k, v in fields.items() if k != "StatusCallbackMethod"}


class HundredParameters(_Lenient):
    """Off by one: Parameter100 is let through."""

    def rewrite(self, fields):
        return {k: v for k, v in fields.items() if not k.startswith("Parameter100.")}


class AnyCallbackUrl(_Lenient):
    def rewrite(self, fields):
        return {k: v for k, v in fields.items() if k != "StatusCallback"}


class LenientRealtime(_Lenient):
    def rewrite(self, fields):
        return {k: v for k, v in fields.items() if k != "StreamRealTime"}


class WrongAccountEcho(EmulatorApp):
    def stream_body(self, stream):
        return {**super().stream_body(stream), "account_sid": str(uuid.uuid4())}


class NameNotEchoed(EmulatorApp):
    def stream_body(self, stream):
        return {**super().stream_body(stream), "name": None}


class IsoDate(EmulatorApp):
    def stream_body(self, stream):
        return {**super().stream_body(stream), "date_updated": "2026-11-24T14:02:00Z"}


class UriWithoutSid(EmulatorApp):
    def stream_body(self, stream):
        body = super().stream_body(stream)
        return {**body, "uri": body["uri"].rsplit("/", 1)[0]}


class ReusedSid(EmulatorApp):
    SID = str(uuid.uuid4())

    def stream_body(self, stream):
        return {**super().stream_body(stream), "sid": self.SID}


class PlainTextErrors(EmulatorApp):
    async def respond(self, send, status, body, headers):
        payload = json.dumps(body).encode()
        kind = b"text/plain" if status != 200 else b"application/json"
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", kind)]})
        await send({"type": "http.response.body", "body": payload})


class EmptyErrors(EmulatorApp):
    def validate(self, fields):
        try:
            super().validate(fields)
        except ValidationFailed:
            raise ValidationFailed([]) from None


class EchoesCredentials(EmulatorApp):
    def authenticate(self, header):
        try:
            super().authenticate(header)
        except HTTPError as exc:
            raise HTTPError(401, 20003, f"bad credentials; expected {self.settings.api_token}") from exc


class CrashesOnUnicodeName(EmulatorApp):
    def validate(self, fields):
        name = fields.get("Name")
        if isinstance(name, str) and not name.isascii():
            raise HTTPError(500, 0, "Internal Server Error")
        super().validate(fields)


class Created201(EmulatorApp):
    async def respond(self, send, status, body, headers):
        await super().respond(send, 201 if status == 200 else status, body, headers)


class ErrorsWithoutMoreInfo(EmulatorApp):
    def error_body(self, status, code, message):
        return {"code": code, "message": message, "status": status}


class RejectsJson(EmulatorApp):
    def decode(self, content_type, raw):
        if content_type and content_type.startswith(b"application/json"):
            raise HTTPError(400, 21600, "JSON bodies are not supported")
        return super().decode(content_type, raw)


class DuplicateNamesAllowed(EmulatorApp):
    """Names are not unique: the store is told none, and the server keeps each stream's Name itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.names: dict[str, str] = {}

    def create(self, account_sid, conference_sid, fields):
        self.validate(fields)
        stream = self.store.create(account_sid, conference_sid, None, self.clock.now(), fields)
        if fields.get("Name"):
            self.names[stream.sid] = fields["Name"]
        return stream

    def update(self, account_sid, conference_sid, stream_sid, fields):
        # stop by Name: the latest stream of that Name (the {Sid} segment holds a Name, not a sid)
        named = [sid for sid, name in self.names.items() if name == stream_sid]
        return super().update(account_sid, conference_sid, named[-1] if named else stream_sid, fields)

    def stream_body(self, stream):
        return {**super().stream_body(stream), "name": self.names.get(stream.sid)}


# --- the authentication matrix: each accepts one near miss of the real credentials ------------------
def _credentials(header: bytes | None) -> tuple[str, str, str] | None:
    """(scheme, user, token) of a Basic-looking header, or None."""
    if not header:
        return None
    scheme, _, encoded = header.decode("latin-1").partition(" ")
    try:
        user, sep, token = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return (scheme, user, token) if sep else None


class _LooseAuth(EmulatorApp):
    """Accepts what `loose(user, token)` lets through, besides the right credentials: the defect."""

    def loose(self, user: str, token: str) -> bool:
        return False

    def authenticate(self, header):
        found = _credentials(header)
        if found and found[0].lower() == "basic" and self.loose(found[1], found[2]):
            return
        super().authenticate(header)


class TruncatedTokenAccepted(_LooseAuth):
    """Compares only as many characters as were sent (a prefix match)."""

    def loose(self, user, token):
        return user == self.settings.project_id and len(token) > 8 and self.settings.api_token.startswith(token)


class ExtendedTokenAccepted(_LooseAuth):
    """Compares only as many characters as the real token has."""

    def loose(self, user, token):
        return user == self.settings.project_id and token.startswith(self.settings.api_token)


class CaseInsensitiveToken(_LooseAuth):
    def loose(self, user, token):
        return user == self.settings.project_id and token.lower() == self.settings.api_token.lower()


class LastCharacterIgnored(_LooseAuth):
    def loose(self, user, token):
        real = self.settings.api_token
        return user == self.settings.project_id and len(token) == len(real) and token[:-1] == real[:-1]


class EmptyTokenAccepted(_LooseAuth):
    """Treats an empty password as 'no password configured'."""

    def loose(self, user, token):
        return user == self.settings.project_id and token == ""


class TokenWithoutItsUser(_LooseAuth):
    """Looks the token up on its own, whoever the user is."""

    def loose(self, user, token):
        return token == self.settings.api_token


class UnknownProjectFailsOpen(_LooseAuth):
    """A project id it does not know skips the token check (a cache miss that fails open)."""

    def loose(self, user, token):
        try:
            uuid.UUID(user)
        except ValueError:
            return False
        return user != self.settings.project_id


class CaseSensitiveScheme(EmulatorApp):
    """Takes only `Basic` exactly, against RFC 9110's case-insensitive scheme."""

    def authenticate(self, header):
        if header and not header.startswith(b"Basic"):
            raise HTTPError(401, 20003, "Authentication Error - invalid username or token")
        super().authenticate(header)


# --- bodies checked to the full extent the request, the path and the document determine them --------
class UriUnderAnotherAccount(EmulatorApp):
    def stream_body(self, stream):
        body = super().stream_body(stream)
        return {**body, "uri": body["uri"].replace(stream.account_sid, str(uuid.uuid4()))}


class UriUnderAnotherRoot(EmulatorApp):
    def stream_body(self, stream):
        body = super().stream_body(stream)
        return {**body, "uri": f"/v1/Streams/{stream.sid}.json"}


class ErrorStatusAlways400(EmulatorApp):
    def error_body(self, status, code, message):
        return {**super().error_body(status, code, message), "status": 400}


class EmptyErrorMessage(EmulatorApp):
    def error_body(self, status, code, message):
        return {**super().error_body(status, code, message), "message": ""}


class MoreInfoNotAUrl(EmulatorApp):
    def error_body(self, status, code, message):
        return {**super().error_body(status, code, message), "more_info": "see the documentation"}


class BlankValidationMessages(EmulatorApp):
    def validate(self, fields):
        try:
            super().validate(fields)
        except ValidationFailed as exc:
            raise ValidationFailed([""] * len(exc.problems)) from None


class EpochDate(EmulatorApp):
    """An unset timestamp formatted as a date."""

    def stream_body(self, stream):
        return {**super().stream_body(stream), "date_updated": formatdate(0, usegmt=True)}


class LocalTimeLabelledGmt(EmulatorApp):
    """Formats local time (here UTC+3) and calls it GMT."""

    def stream_body(self, stream):
        return {**super().stream_body(stream), "date_updated": formatdate(time.time() + 3 * 3600, usegmt=True)}


# --- text at its boundaries --------------------------------------------------------------------------------
class _RewritesName(EmulatorApp):
    def stored_name(self, name: str) -> str:
        return name

    def create(self, account_sid, conference_sid, fields):
        name = fields.get("Name")
        if isinstance(name, str):
            fields = {**fields, "Name": self.stored_name(name)}
        return super().create(account_sid, conference_sid, fields)


class FormDecodedTwice(_RewritesName):
    """Percent-decodes values once more after the parser did: a Name `%41` comes back as `A`."""

    def stored_name(self, name):
        return unquote(name)


class CollapsesInnerWhitespace(_RewritesName):
    def stored_name(self, name):
        return " ".join(name.split())


class DropsNonBmp(_RewritesName):
    """Stores text in a three-byte UTF-8 column: characters past U+FFFF are lost."""

    def stored_name(self, name):
        return "".join(ch for ch in name if ord(ch) <= 0xFFFF)


class TrimsName(_RewritesName):
    """Accepts a Name with whitespace at its ends (open), then answers with another name."""

    def stored_name(self, name):
        return name.strip()


class _CrashesOn(EmulatorApp):
    def crashes_on(self, fields: dict) -> bool:
        return False

    def validate(self, fields):
        if self.crashes_on(fields):
            raise HTTPError(500, 0, "Internal Server Error")
        super().validate(fields)


def _texts(fields: dict):
    """The free-text fields: Name, the custom parameters, the bearer token."""
    return [v for k, v in fields.items() if isinstance(v, str) and (k in ("Name", "AuthorizationBearerToken")
                                                                     or k.startswith("Parameter"))]


class CrashesOnControlCharacters(_CrashesOn):
    def crashes_on(self, fields):
        return any(unicodedata.category(ch) == "Cc" for text in _texts(fields) for ch in text)


class CrashesOnLongText(_CrashesOn):
    def crashes_on(self, fields):
        return any(len(text) > 1000 for text in _texts(fields))


class CrashesOnIriHost(_CrashesOn):
    def crashes_on(self, fields):
        return any(not fields.get(k, "").isascii() for k in ("Url", "StatusCallback") if isinstance(fields.get(k), str))


class CrashesOnHalfPair(_CrashesOn):
    def crashes_on(self, fields):
        names = {k[: -len(".Name")] for k in fields if k.startswith("Parameter") and k.endswith(".Name")}
        values = {k[: -len(".Value")] for k in fields if k.startswith("Parameter") and k.endswith(".Value")}
        return names != values


class UnwrapsJsonArrays(_Lenient):
    """Reads a one-element JSON array as its element, as some frameworks' parameter parsers do."""

    def rewrite(self, fields):
        return {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in fields.items()}



# --- the response read from its bytes (json-text, json-names-unique, header-singletons) -----------
class _Bytes(EmulatorApp):
    """Answers with its own bytes for every JSON body: `encode` is the defect."""

    def encode(self, body) -> bytes:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    async def respond(self, send, status, body, headers):
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), *headers]})
        await send({"type": "http.response.body", "body": self.encode(body)})


class Utf16Json(_Bytes):
    """UTF-16 with a byte order mark: `json.loads` reads it, RFC 8259 does not."""

    def encode(self, body):
        return json.dumps(body).encode("utf-16")


class ByteOrderMarkJson(_Bytes):
    def encode(self, body):
        return b"\xef\xbb\xbf" + super().encode(body)


class NaNInErrors(_Bytes):
    """`status: NaN` in every error body: Python's json writes and reads it; it is not JSON."""

    def encode(self, body):
        if isinstance(body, dict) and "status" in body and isinstance(body["status"], int):
            return super().encode(body).replace(str(body["status"]).encode(), b"NaN", 1)
        return super().encode(body)


class TrailingGarbageJson(_Bytes):
    def encode(self, body):
        return super().encode(body) + b"\n<!-- served by acme -->"


class RepeatedSidMember(_Bytes):
    """A 200 that names `sid` twice, with the same value (so no other rule sees a difference): RFC 8259 makes
    unique names a SHOULD."""

    def encode(self, body):
        raw = super().encode(body)
        if isinstance(body, dict) and "sid" in body:
            return raw[:-1] + b', "sid": ' + json.dumps(body["sid"]).encode() + b"}"
        return raw


class TwoContentTypes(EmulatorApp):
    async def respond(self, send, status, body, headers):
        await super().respond(send, status, body, [(b"content-type", b"text/plain"), *headers])


class NameHeldByRefusal(EmulatorApp):
    """A create refused with 422 still takes its Name: the next valid create with it is refused."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held: set[tuple[str, str]] = set()

    def create(self, account_sid, conference_sid, fields):
        name = fields.get("Name") or None
        if name and (conference_sid, name) in self._held:
            raise ValidationFailed([f"Duplicated stream name: {name!r}"])
        try:
            return super().create(account_sid, conference_sid, fields)
        except ValidationFailed:
            if name:
                self._held.add((conference_sid, name))
            raise
# --- issue 19 (run side): the life cycle, the Name's scope, the token's scope, 5xx re-sent once -----------
class StopKeepsStatus(EmulatorApp):
    """Stops the stream, but answers with its status as it was before (queued)."""

    def update(self, account_sid, conference_sid, stream_sid, fields):
        stopped = super().update(account_sid, conference_sid, stream_sid, fields)
        return stopped._replace(status="queued")


class StopAnswersAnotherSid(EmulatorApp):
    """The stop's answer carries a fresh sid, not the stopped stream's."""

    def update(self, account_sid, conference_sid, stream_sid, fields):
        return super().update(account_sid, conference_sid, stream_sid, fields)._replace(sid=str(uuid.uuid4()))


class NoStopByName(EmulatorApp):
    """Only a sid addresses a stream (the {Sid} segment is `format: uuid`): a Name is 404."""

    def update(self, account_sid, conference_sid, stream_sid, fields):
        try:
            uuid.UUID(stream_sid)
        except ValueError:
            raise HTTPError(404, 20404, "The requested resource was not found") from None
        return super().update(account_sid, conference_sid, stream_sid, fields)


class UnknownStreamIs400(EmulatorApp):
    def update(self, account_sid, conference_sid, stream_sid, fields):
        if self.store.get(account_sid, conference_sid, stream_sid) is None:
            raise HTTPError(400, 21600, "no such stream")
        return super().update(account_sid, conference_sid, stream_sid, fields)


class AnyUpdateStatus(EmulatorApp):
    """Any Status stops the stream: 'in-progress' is answered 200."""

    def update(self, account_sid, conference_sid, stream_sid, fields):
        return super().update(account_sid, conference_sid, stream_sid, {**fields, "Status": "stopped"})


class NamesUniquePerAccount(EmulatorApp):
    """A live Name is refused in every conference of the account, not only in its own."""

    def create(self, account_sid, conference_sid, fields):
        name = fields.get("Name")
        if name and any(self.store.live_named(account_sid, other, name) for other in self.conferences):
            raise ValidationFailed([f"Duplicated stream name: a live stream named {name!r} exists"])
        return super().create(account_sid, conference_sid, fields)


class ScopeIgnored(EmulatorApp):
    """Any token of the project may create a stream, Voice scope or not."""

    def authenticate(self, header):
        scopeless = self.settings.scopeless_token
        if header and scopeless:
            header = header.replace(base64.b64encode(f"{self.settings.project_id}:{scopeless}".encode()),
                                    base64.b64encode(f"{self.settings.project_id}:{self.settings.api_token}".encode()))
        super().authenticate(header)


class CrashesOnL16Always(EmulatorApp):
    """500 for every create with StreamCodec L16@24000h: the same request crashes again (deterministic)."""

    def validate(self, fields):
        if fields.get("StreamCodec") == "L16@24000h":
            raise HTTPError(500, 0, "Internal Server Error")
        super().validate(fields)


class CrashesOneRequestInN(EmulatorApp):
    """500 on one request in 13, whatever it is: the same request re-sent succeeds (intermittent)."""

    EVERY = 13

    def throttle(self):
        if self.requests_seen % self.EVERY == 0:
            raise HTTPError(500, 0, "Internal Server Error")
        super().throttle()



# --- breadth by principle (issue 18): one defect per class of the dimension model ------------------------------
class ContentTypeParameterRefused(EmulatorApp):
    """Compares the whole Content-Type with the media type, so `; charset=UTF-8` is 'unsupported'."""

    def decode(self, content_type, raw):
        if content_type and b";" in content_type:
            raise HTTPError(400, 21600, f"unsupported Content-Type {content_type.decode('latin-1')!r}")
        return super().decode(content_type, raw)


class ContentTypeCaseSensitive(EmulatorApp):
    """Matches the media type byte for byte: APPLICATION/X-WWW-FORM-URLENCODED is 'unsupported'."""

    def decode(self, content_type, raw):
        kind = (content_type or b"").split(b";")[0].strip()
        if kind and kind != kind.lower():
            raise HTTPError(400, 21600, f"unsupported Content-Type {kind.decode('latin-1')!r}")
        return super().decode(content_type, raw)


class SwappedCredentialsAccepted(EmulatorApp):
    """Checks that the two parts are the project id and the token, in either order."""

    def authenticate(self, header):
        if header and header.startswith(b"Basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                user = password = ""
            if (password, user) == (self.settings.project_id, self.settings.api_token):
                return
        super().authenticate(header)


class CrashesOnIpv6Host(EmulatorApp):
    """Splits host and port at the last colon: an IPv6 literal blows up the port parser."""

    def validate(self, fields):
        for key in ("Url", "StatusCallback"):
            value = fields.get(key)
            if isinstance(value, str) and "://[" in value:
                raise HTTPError(500, 0, "Internal Server Error")
        super().validate(fields)




class RepairsTruncatedJson(EmulatorApp):
    """A 'forgiving' JSON reader: closes an unterminated object, drops a trailing comma."""

    def decode(self, content_type, raw):
        try:
            return super().decode(content_type, raw)
        except HTTPError:
            if b"json" not in (content_type or b""):
                raise
            for repaired in (raw + b"}", raw.replace(b",}", b"}")):
                try:
                    return super().decode(content_type, repaired)
                except HTTPError:
                    continue
            raise


class TakesFirstOfJsonArray(EmulatorApp):
    """Reads a JSON array body as its first element (a batch API habit)."""

    def decode(self, content_type, raw):
        if b"json" in (content_type or b"") and raw.lstrip().startswith(b"["):
            try:
                data = json.loads(raw)
            except ValueError:
                data = None
            if isinstance(data, list) and data and isinstance(data[0], dict):
                return data[0]
        return super().decode(content_type, raw)


class _CrashesOnBody(EmulatorApp):
    """Answers 500 when `crashes(content_type, raw)` says the (unguarded) handler would have crashed."""

    def crashes(self, content_type: bytes, raw: bytes) -> bool:
        return False

    def decode(self, content_type, raw):
        if self.crashes(content_type or b"", raw):
            raise HTTPError(500, 0, "Internal Server Error")
        return super().decode(content_type, raw)


class CrashesOnDeepJson(_CrashesOnBody):
    """A recursive validator that overflows its stack on a deeply nested value."""

    def crashes(self, content_type, raw):
        return raw.count(b"[") > 1000 or raw.count(b"{") > 1000


class CrashesOnLargeBody(_CrashesOnBody):
    """A fixed 32 KiB buffer for the body."""

    def crashes(self, content_type, raw):
        return len(raw) > 32 * 1024


class CrashesOnDuplicateJsonKeys(_CrashesOnBody):
    """An object_pairs_hook that asserts keys are distinct, unguarded."""

    def crashes(self, content_type, raw):
        if b"json" not in content_type:
            return False
        try:
            pairs = json.loads(raw, object_pairs_hook=lambda p: p)
        except ValueError:
            return False
        return isinstance(pairs, list) and len({k for k, _ in pairs}) != len(pairs)


class CrashesOnBadEncoding(_CrashesOnBody):
    """Decodes percent-escapes to bytes, then UTF-8 without a guard."""

    def crashes(self, content_type, raw):
        try:
            unquote(raw.decode("latin-1"), errors="strict")
        except UnicodeDecodeError:
            return True
        return False


class CrashesOnOtherMediaType(_CrashesOnBody):
    """Picks a parser by media type from a dict, and a missing key is a KeyError."""

    def crashes(self, content_type, raw):
        kind = content_type.split(b";")[0].strip().lower()
        return bool(kind) and kind not in (b"application/x-www-form-urlencoded", b"application/json")


class CrashesOnJsonNull(EmulatorApp):
    """Calls .strip() on every field, and null has none."""

    def validate(self, fields):
        if any(value is None for value in fields.values()):
            raise HTTPError(500, 0, "Internal Server Error")
        super().validate(fields)


class CrashesOnUppercaseSid(EmulatorApp):
    """Looks the account up in a case-sensitive index that assumes lower case, and dereferences None."""

    def check_account(self, account_sid):
        if account_sid != account_sid.lower():
            raise HTTPError(500, 0, "Internal Server Error")
        super().check_account(account_sid)


class CrashesOnUnpaddedBase64(EmulatorApp):
    """Decodes the credentials without a guard: base64 whose length is not a multiple of 4 raises."""

    def authenticate(self, header):
        if header and header.startswith(b"Basic ") and len(header[6:].strip()) % 4:
            raise HTTPError(500, 0, "Internal Server Error")
        super().authenticate(header)



# --- faithful to the real service (issue 19): what SignalWire's documents do not allow -------------------
class ForeignAccount403(EmulatorApp):
    """Refuses another account's AccountSid with 403: a refusal, but with a status the operation does not document."""

    def check_account(self, account_sid):
        if account_sid != self.settings.project_id:
            raise HTTPError(403, 20003, "Forbidden")


class NameDefaultsToAnotherSid(EmulatorApp):
    """No Name sent: the 200's name is a sid, but not this stream's (a default taken from the wrong record)."""

    def stream_body(self, stream):
        body = super().stream_body(stream)
        return {**body, "name": body["name"] if stream.fields.get("Name") else str(uuid.uuid4())}


class FuzzyTrack(_Lenient):
    """A "did you mean" matcher: a Track one letter away from an enum value ("both_trackz") is taken as that value."""

    def rewrite(self, fields):
        track = fields.get("Track")
        if not isinstance(track, str):
            return fields
        for member in ("inbound_track", "outbound_track", "both_tracks"):
            if len(track) == len(member) and sum(a != b for a, b in zip(track, member, strict=True)) <= 1:
                return _renamed(fields, "Track", member)
        return fields


class Validation422ObjectWrongStatus(EmulatorApp):
    """422 in the error-object shape (allowed), but its body's status says 400."""

    def validate(self, fields):
        try:
            super().validate(fields)
        except ValidationFailed as exc:
            raise HTTPError(422, 21602, "; ".join(exc.problems)) from None

    def error_body(self, status, code, message):
        return {**super().error_body(status, code, message), "status": 400}


class RefusesPcmu(EmulatorApp):
    """Refuses StreamCodec PCMU, the default and a Supported codec, as not enabled."""

    def validate(self, fields):
        if fields.get("StreamCodec") == "PCMU":
            raise ValidationFailed(["StreamCodec PCMU is not enabled for this account"])
        super().validate(fields)



class SmallParserForTypedForms(EmulatorApp):
    """A form whose Content-Type has a parameter or capitals goes to another parser, with a 2 KiB limit: each
    class alone passes (a small typed form; a large plain one), the pair of them does not (413)."""

    def decode(self, content_type, raw):
        typed = content_type is not None and content_type != b"application/x-www-form-urlencoded" and \
            content_type.lower().startswith(b"application/x-www-form-urlencoded")
        if typed and len(raw) > 2048:
            raise HTTPError(413, 21600, "Request entity too large")
        return super().decode(content_type, raw)

BROKEN = [
    (NoAuth, "auth-missing", 1),
    (AnyToken, "auth-wrong-token", 1),
    (AcceptsBearer, "auth-malformed", 1),
    (IgnoresScheme, "auth-near-miss", 1),
    (ForeignAccount, "account-foreign", 1),
    (AnyConference, "conference-unknown", 1),
    (MalformedConferenceCrash, "conference-malformed", 1),
    (AcceptsWs, "url-scheme-wss", 1),
    (AcceptsRelativeUrl, "url-absolute", 1),
    (AcceptsEmptyHost, "url-host", 1),
    (StripsUrlWhitespace, "url-well-formed", 1),
    (UrlOptional, "url-required", 1),
    (AnyTrack, "track-enum", 1),
    (CaseInsensitiveTrack, "track-case", 0),
    (AnyCodec, "codec-enum", 1),
    (AnyCallbackMethod, "callback-method-enum", 1),
    (HundredParameters, "custom-params-max", 1),
    (AnyCallbackUrl, "status-callback-url", 1),
    (LenientRealtime, "stream-realtime-boolean", 1),
    (WrongAccountEcho, "echo-account-sid", 1),
    (NameNotEchoed, "echo-name", 1),
    (IsoDate, "date-rfc2822", 1),
    (UriWithoutSid, "uri-ends-with-sid", 1),
    (ReusedSid, "sid-fresh", 1),
    (PlainTextErrors, "content-type-json", 1),
    (EmptyErrors, "errors-nonempty", 1),
    (EchoesCredentials, "no-secret-echo", 1),
    (CrashesOnUnicodeName, "no-server-error", 1),
    (Created201, "status-documented", 1),
    (ErrorsWithoutMoreInfo, "response-schema", 1),
    (RejectsJson, "accept-valid-json", 0),
    (DuplicateNamesAllowed, "name-unique", 0),
    # the authentication matrix
    (TruncatedTokenAccepted, "auth-near-miss", 1),
    (ExtendedTokenAccepted, "auth-near-miss", 1),
    (CaseInsensitiveToken, "auth-near-miss", 1),
    (LastCharacterIgnored, "auth-near-miss", 1),
    (EmptyTokenAccepted, "auth-near-miss", 1),
    (TokenWithoutItsUser, "auth-near-miss", 1),
    (UnknownProjectFailsOpen, "auth-near-miss", 1),
    (CaseSensitiveScheme, "auth-scheme-case", 1),
    # every field of every body, to the extent the request, the path and the document determine it
    (UriUnderAnotherAccount, "uri-stream-path", 1),
    (UriUnderAnotherRoot, "uri-stream-path", 1),
    (ErrorStatusAlways400, "error-status-matches", 1),
    (EmptyErrorMessage, "error-fields-meaningful", 1),
    (MoreInfoNotAUrl, "error-fields-meaningful", 1),
    (BlankValidationMessages, "error-fields-meaningful", 1),
    (EpochDate, "date-current", 1),
    (LocalTimeLabelledGmt, "date-current", 1),
    # text at its boundaries, and open points still sent (a crash there is found)
    (FormDecodedTwice, "echo-name", 1),
    (CollapsesInnerWhitespace, "echo-name", 1),
    (DropsNonBmp, "echo-name", 1),
    (TrimsName, "echo-name", 1),
    (CrashesOnControlCharacters, "no-server-error", 1),
    (CrashesOnLongText, "no-server-error", 1),
    (CrashesOnIriHost, "no-server-error", 1),
    (CrashesOnHalfPair, "no-server-error", 1),
    # found by the mutation benchmark
    (UnwrapsJsonArrays, "json-string-type", 1),
    # the response read from its bytes
    (Utf16Json, "json-text", 1),
    (ByteOrderMarkJson, "json-text", 1),
    (NaNInErrors, "json-text", 1),
    (TrailingGarbageJson, "json-text", 1),
    (RepeatedSidMember, "json-names-unique", 0),
    (TwoContentTypes, "header-singletons", 1),
    # state over time
    (NameHeldByRefusal, "name-free-after-refusal", 1),
    # issue 19 (run side): run with --lifecycle, two conferences and a scopeless token (see test_suite_self)
    (StopKeepsStatus, "stop-by-sid", 1),
    (StopAnswersAnotherSid, "stop-by-sid", 1),
    (NoStopByName, "stop-by-name", 0),
    (UnknownStreamIs400, "stop-unknown-404", 1),
    (AnyUpdateStatus, "stop-status-only-stopped", 1),
    (NamesUniquePerAccount, "name-per-conference", 1),
    (ScopeIgnored, "token-scope", 1),
    (CrashesOnL16Always, "no-server-error", 1),
    (CrashesOneRequestInN, "no-server-error", 1),
    # breadth by principle (issue 18): the dimension model's classes, each caught by the quick run
    (ContentTypeParameterRefused, "accept-content-type-forms", 1),
    (ContentTypeCaseSensitive, "accept-content-type-forms", 1),
    (SwappedCredentialsAccepted, "auth-near-miss", 1),
    (CrashesOnIpv6Host, "no-server-error", 1),
    (RepairsTruncatedJson, "body-json-malformed", 1),
    (TakesFirstOfJsonArray, "body-not-object", 1),
    (CrashesOnDeepJson, "no-server-error", 1),
    (CrashesOnLargeBody, "no-server-error", 1),
    (CrashesOnDuplicateJsonKeys, "no-server-error", 1),
    (CrashesOnBadEncoding, "no-server-error", 1),
    (CrashesOnOtherMediaType, "no-server-error", 1),
    (CrashesOnJsonNull, "no-server-error", 1),
    (CrashesOnUppercaseSid, "no-server-error", 1),
    (CrashesOnUnpaddedBase64, "no-server-error", 1),
    # faithful to the real service (issue 19)
    (ForeignAccount403, "account-foreign", 1),
    (NameDefaultsToAnotherSid, "echo-name", 1),
    (FuzzyTrack, "track-enum", 1),
    (Validation422ObjectWrongStatus, "error-status-matches", 1),
    (RefusesPcmu, "accept-valid-form", 1),
]
