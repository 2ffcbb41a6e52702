"""The emulator as a plain ASGI application.

Each step of handling a request is a method, so that a deliberately broken server (the suite's
self-tests) is a subclass that overrides one of them.
"""

from __future__ import annotations

import binascii
import collections
import hmac
import json
import logging
import math
import re
import time
import uuid
from email.utils import formatdate
from typing import Any

from . import bodies, switches, validation
from .settings import API_ROOT, EmulatorSettings
from .store import DuplicateName, Stream, StreamStore

MAX_BODY_BYTES = 1 << 20
# The form the compatibility specs give for this body: signalwire/docs specs/compatibility-api/_shared/errors.tsp,
# CompatibilityErrorResponse.more_info: @doc("URL for more information about the error.")
# @example("https://signalwire.com/docs/compatibility-api/reference/errors"). (The specs' two other forms,
# .../docs/rest/compatibility-api/error-codes and .../overview/error-codes, belong to the errors-array item and
# to ImportedPhoneNumbers' error, not to this model.)
MORE_INFO = "https://signalwire.com/docs/compatibility-api/reference/errors"
# Codes, each checked against signalwire/docs fern/products/compatibility-api/pages/rest-api/core/error-codes.mdx:
CODE_INVALID_ARGUMENT = 10000  # "The argument passed is invalid" (a body that cannot be read as arguments)
CODE_FOREIGN_PROJECT = 10004  # "The subproject ID passed does not belong to the project used to authenticate ..."
CODE_AUTHENTICATION = 20003  # "There was an authentication error or API access is blocked for this feature"
CODE_NOT_FOUND = 20404  # "The resource you are trying to access does not exist"
CODE_THROTTLED = 20429  # "There were too many requests or throughput was exceeded"
CODE_INTERNAL = 20504  # "An internal error occurred"
# 405 has no code on the page (nor is 405 among the operation's documented responses); 20004 is Twilio's
# "Method not allowed", kept because the error body needs some integer code and no documented one fits.
CODE_METHOD_NOT_ALLOWED = 20004
UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Please try again later."
UNSUPPORTED_CODECS = ("stream", "error")
_ROUTE = re.compile(
    "^" + re.escape(API_ROOT) + r"/Accounts/([^/]+)/Conferences/([^/]+)/Streams(?:/([^/.]+))?(?:\.json)?/?$"
)
_JSON = [(b"content-type", b"application/json")]
log = logging.getLogger("conformance.emulator")


class HTTPError(Exception):
    def __init__(self, status: int, code: int, message: str, headers: list | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or []


class ValidationFailed(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class _Clock:
    """RFC 2822 GMT date, formatted once a second rather than once a request."""

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._second, self._text = second, formatdate(second, usegmt=True)
        return self._text


class EmulatorApp:
    player_class = None
    """The media player class (default `conformance.media.player.StreamPlayer`); a seam for tests."""

    def __init__(self, settings: EmulatorSettings | None = None, media=None, *,
                 unsupported_codecs: str | None = None) -> None:
        self.settings = settings or EmulatorSettings()
        if unsupported_codecs is not None:
            if unsupported_codecs not in UNSUPPORTED_CODECS:
                raise ValueError(f"unsupported_codecs is stream or error, got {unsupported_codecs!r}")
            if media is not None:
                import dataclasses

                media = dataclasses.replace(media, unsupported_codecs=unsupported_codecs)
        self.media = media
        """`MediaSettings` to stream for real after each create; None: the REST side only (and then
        `unsupported_codecs` changes nothing: the create answers 200 either way, the codec only matters
        to the stream)."""
        self._creates = 0
        self._playing: dict[str, object] = {}
        self._tasks: set = set()
        self.store = StreamStore()
        self.clock = _Clock()
        self.conferences = frozenset(self.settings.conference_sids + self.settings.idle_conference_sids)
        self.conference_status = {sid: "in-progress" for sid in self.settings.conference_sids}
        """ConferenceStatus (`init`, `in-progress`, `completed`) per conference; streams start only in-progress."""
        self.conference_status.update({sid: "init" for sid in self.settings.idle_conference_sids})
        self._answered: collections.deque[float] = collections.deque()
        self.requests_seen = 0

    # --- ASGI ------------------------------------------------------------------------------
    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        self.requests_seen += 1
        try:
            status, body, headers = await self.handle(scope, receive)
        except HTTPError as exc:
            status, body, headers = exc.status, self.error_body(exc.status, exc.code, exc.message), exc.headers
        except ValidationFailed as exc:
            status, body, headers = 422, {"errors": exc.problems}, []
        except Exception:  # noqa: BLE001 - a reference server answers, it does not crash
            log.exception("unexpected error while handling %s %s", scope["method"], scope["path"])
            # the page's code for what this is (an emulator bug), under a documented 4xx status: the
            # emulator's promise is never a 5xx, so a fuzzer can tell its own findings from ours
            status, body, headers = 400, self.error_body(400, CODE_INTERNAL, "the request could not be processed"), []
        await self.respond(send, status, body, headers)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def respond(self, send: Any, status: int, body: Any, headers: list) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        await send({"type": "http.response.start", "status": status, "headers": _JSON + headers})
        await send({"type": "http.response.body", "body": payload})

    # --- routing ---------------------------------------------------------------------------
    async def handle(self, scope: dict, receive: Any) -> tuple[int, Any, list]:
        self.throttle()
        match = _ROUTE.match(scope["path"])
        if match is None:
            raise HTTPError(404, CODE_NOT_FOUND, "The requested resource was not found")
        if scope["method"] != "POST":
            raise HTTPError(405, CODE_METHOD_NOT_ALLOWED, "Method not allowed", [(b"allow", b"POST")])
        account_sid, conference_sid, stream_sid = match.groups()
        headers = dict(scope["headers"])
        self.authenticate(headers.get(b"authorization"))
        self.check_account(account_sid)
        self.check_conference(conference_sid)
        raw = await self.read_body(headers, receive)
        fields = self.decode(headers.get(b"content-type"), raw)
        if stream_sid is None:
            self.check_available()
            return 200, self.stream_body(self.create(account_sid, conference_sid, fields)), []
        return 200, self.stream_body(self.update(account_sid, conference_sid, stream_sid, fields)), []

    # --- steps (each a seam for the broken servers) ----------------------------------------
    def throttle(self) -> None:
        """`EmulatorSettings.throttle`: 429 with Retry-After and SignalWire's code 20429 ("There were too many
        requests or throughput was exceeded", error-codes.mdx) beyond the configured rate."""
        limit = self.settings.throttle
        if limit is None:
            return
        now = time.monotonic()
        while self._answered and now - self._answered[0] >= limit.period:
            self._answered.popleft()
        if len(self._answered) < limit.count:
            self._answered.append(now)
            return
        wait = limit.period - (now - self._answered[0]) if self._answered else limit.period
        raise HTTPError(429, CODE_THROTTLED,
                        "Too Many Requests: there were too many requests or throughput was exceeded",
                        [(b"retry-after", str(max(1, math.ceil(wait))).encode())])

    def check_available(self) -> None:
        """`EmulatorSettings.unavailable`: 503 to one create in N, as Create a Call Stream documents it
        (specs/compatibility-api/calls/main.tsp `| CompatibilityStatusCode503`; _shared/errors.tsp:
        "The service is temporarily unavailable. Please try again later.", body CompatibilityErrorResponse
        {code, message, more_info, status}). The page has no code for unavailability; 20504 ("An internal
        error occurred") is its only code for a failure on the service's side. Retry-After 0: try again now
        (RFC 9110 delta-seconds), so a suite run with every:N waits for nothing."""
        unavailable = self.settings.unavailable
        if unavailable is None:
            return
        self._creates += 1
        if self._creates % unavailable.every == 0:
            raise HTTPError(503, CODE_INTERNAL, UNAVAILABLE_MESSAGE, [(b"retry-after", b"0")])

    def check_in_progress(self, conference_sid: str) -> None:
        """error-codes.mdx 21220: "A stream cannot be started for a call or conference in the current state".
        The page gives no HTTP status; 400 with the error schema is the documented status that fits
        (Twilio answers its 21220 with 400 too)."""
        if self.conference_status.get(conference_sid) != "in-progress":
            raise HTTPError(400, 21220, "A stream cannot be started for a call or conference in the current state "
                                        f"(conference {self.conference_status.get(conference_sid)})")

    def authenticate(self, header: bytes | None) -> None:
        unauthorized = HTTPError(401, CODE_AUTHENTICATION, "Authentication Error - invalid username or token")
        if not header:
            raise unauthorized
        scheme, _, encoded = header.partition(b" ")
        if scheme.lower() != b"basic":
            raise unauthorized
        try:
            user, sep, token = binascii.a2b_base64(encoded.strip(), strict_mode=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise unauthorized from None
        if not sep:
            raise unauthorized
        ok_user = hmac.compare_digest(user.encode(), self.settings.project_id.encode())
        ok_token = hmac.compare_digest(token.encode(), self.settings.api_token.encode())
        scopeless = self.settings.scopeless_token
        if ok_user and scopeless and hmac.compare_digest(token.encode(), scopeless.encode()):
            # the operation: "The API token used to authenticate must have the following scope(s) enabled ...:
            # _Voice_."; error-codes.mdx 20003: "... API access is blocked for this feature" (401, the documented one)
            raise HTTPError(401, CODE_AUTHENTICATION,
                            "Authentication Error - API access is blocked for this feature: the token lacks the Voice "
                            "scope")
        if not (ok_user and ok_token):
            raise unauthorized

    def check_account(self, account_sid: str) -> None:
        """Another AccountSid than the authenticated project's: error-codes.mdx 10004, "The subproject ID passed
        does not belong to the project used to authenticate the request". The page gives no status; of the
        operation's documented ones (400, 401, 404) 401 fits: the credentials are valid but do not authorize
        this account, and 401 "Authentication failed" is what the caller must fix (its credentials or its
        AccountSid). 404 would claim the account does not exist, which the server cannot know to be so."""
        if account_sid != self.settings.project_id:
            raise HTTPError(401, CODE_FOREIGN_PROJECT,
                            "The subproject ID passed does not belong to the project used to authenticate the request")

    def check_conference(self, conference_sid: str) -> None:
        if conference_sid not in self.conferences:
            raise HTTPError(404, CODE_NOT_FOUND, "The requested resource was not found")

    async def read_body(self, headers: dict, receive: Any) -> bytes:
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise HTTPError(400, CODE_INVALID_ARGUMENT, f"the request body is larger than {MAX_BODY_BYTES} bytes")
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise HTTPError(400, CODE_INVALID_ARGUMENT, f"the request body is larger than {MAX_BODY_BYTES} bytes")
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    def decode(self, content_type: bytes | None, raw: bytes) -> dict[str, Any]:
        try:
            return bodies.decode(content_type.decode("latin-1") if content_type else None, raw)
        except bodies.BodyError as exc:
            raise HTTPError(400, CODE_INVALID_ARGUMENT, str(exc)) from None

    def validate(self, fields: dict[str, Any]) -> None:
        problems = validation.problems(fields) + switches.extra_problems(self.settings, fields)
        wrong = self.settings.wrong_status_for_missing_url
        if wrong is not None and switches.url_missing(fields):  # a switch that breaks url-required on purpose
            if wrong != 200:
                raise HTTPError(wrong, 21600, "the request could not be processed")
            problems = [p for p in problems if p != validation.URL_REQUIRED]
        if problems:
            raise ValidationFailed(problems)

    def create(self, account_sid: str, conference_sid: str, fields: dict[str, Any]) -> Stream:
        self.validate(fields)
        self.check_in_progress(conference_sid)
        # Name: "Unique name for the Stream, per Conference." (specs/compatibility-api/conferences/models/
        # requests.tsp): the store keys live names by (account, conference, name), so two conferences may each
        # have a live "x". A stopped stream frees its Name: the stream page's StreamError table says
        # `Duplicated stream name` is "Stream name already in use", and a stopped stream uses nothing.
        name = fields.get("Name") or None  # an empty Name is no name: null, and never a duplicate
        try:
            stream = self.store.create(account_sid, conference_sid, name, self.clock.now(), fields)
        except DuplicateName:
            raise ValidationFailed([f"Duplicated stream name: a live stream named {name!r} exists"]) from None
        if self.media is not None:
            self.start_media(stream)
        return stream

    def start_media(self, stream: Stream) -> None:
        import asyncio

        from .player import StreamPlayer, StreamState

        state = StreamState(stream.sid, stream.account_sid, stream.conference_sid, stream.name, stream.fields)
        player = (self.player_class or StreamPlayer)(self.media, state)
        self._playing[stream.sid] = state
        task = asyncio.get_running_loop().create_task(player.play())
        self._tasks.add(task)
        task.add_done_callback(lambda t: (self._tasks.discard(t), self._playing.pop(stream.sid, None)))

    def update(self, account_sid: str, conference_sid: str, stream_sid: str, fields: dict[str, Any]) -> Stream:
        """`stream_sid`: the {Sid} segment: a sid, or a live stream's Name. The specs type the segment as a uuid
        (specs/compatibility-api/conferences/models/core.tsp, ConferenceStreamSidPath: `Sid: uuid`), but the
        Name's own text says "It is used to stop a Stream by name", and the only stop documented is
        POST .../Streams/{Sid}: the reference takes either (the suite's stop-by-name is a SHOULD)."""
        try:
            uuid.UUID(stream_sid)
            stream = self.store.get(account_sid, conference_sid, stream_sid)
        except ValueError:
            stream = None
        if stream is None:
            stream = self.store.live_named(account_sid, conference_sid, stream_sid)
        if stream is None:
            raise HTTPError(404, CODE_NOT_FOUND, "The requested resource was not found")
        if fields.get("Status") != "stopped":
            # UpdateConferenceStreamRequest: `Status: "stopped"`, "The status of the stream. Only 'stopped' is
            # allowed."; the operation documents 422 with the errors array (CompatibilityStatusCode422StringArray)
            raise ValidationFailed(["Status must be stopped"])
        playing = self._playing.get(stream_sid)
        if playing is not None:
            playing.stopped.set()
        return self.store.stop(stream, self.clock.now())

    def stream_body(self, stream: Stream) -> dict[str, Any]:
        return {
            "account_sid": stream.account_sid,
            "conference_sid": stream.conference_sid,
            "date_updated": stream.date_updated,
            "name": stream.name,
            "sid": stream.sid,
            "status": stream.status,
            "uri": f"{API_ROOT}/Accounts/{stream.account_sid}/Conferences/{stream.conference_sid}"
            f"/Streams/{stream.sid}.json",
        }

    def error_body(self, status: int, code: int, message: str) -> dict[str, Any]:
        return {"code": code, "message": message, "more_info": MORE_INFO, "status": status}
