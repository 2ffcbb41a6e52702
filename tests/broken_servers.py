"""Deliberately broken servers: the emulator with one realistic defect each.

Each entry: the subclass, the rule the suite must name, and the exit status it must end with
(1 for a MUST rule, 0 for a SHOULD rule, which is reported as WARN).
"""

from __future__ import annotations

import json
import uuid

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
    def create(self, account_sid, conference_sid, fields):
        self.validate(fields)
        return self.store.create(account_sid, conference_sid, None, self.clock.now(), fields)._replace(
            name=fields.get("Name") or None)


class UnwrapsJsonArrays(_Lenient):
    """Reads a one-element JSON array as its element, as some frameworks' parameter parsers do."""

    def rewrite(self, fields):
        return {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in fields.items()}


BROKEN = [
    (NoAuth, "auth-missing", 1),
    (AnyToken, "auth-wrong-token", 1),
    (AcceptsBearer, "auth-malformed", 1),
    (ForeignAccount, "account-foreign", 1),
    (AnyConference, "conference-unknown", 1),
    (MalformedConferenceCrash, "conference-malformed", 1),
    (AcceptsWs, "url-scheme-wss", 1),
    (AcceptsRelativeUrl, "url-absolute", 1),
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
    (UnwrapsJsonArrays, "json-string-type", 1),
]
