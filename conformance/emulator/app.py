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
MORE_INFO = "https://developer.signalwire.com/compatibility-api/reference/error-codes"
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

    def __init__(self, settings: EmulatorSettings | None = None, media=None) -> None:
        self.settings = settings or EmulatorSettings()
        self.media = media
        """`MediaSettings` to stream for real after each create; None: the REST side only."""
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
            status, body, headers = 400, self.error_body(400, 21600, "the request could not be processed"), []
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
            raise HTTPError(404, 20404, "The requested resource was not found")
        if scope["method"] != "POST":
            raise HTTPError(405, 20004, "Method not allowed", [(b"allow", b"POST")])
        account_sid, conference_sid, stream_sid = match.groups()
        headers = dict(scope["headers"])
        self.authenticate(headers.get(b"authorization"))
        self.check_account(account_sid)
        self.check_conference(conference_sid)
        raw = await self.read_body(headers, receive)
        fields = self.decode(headers.get(b"content-type"), raw)
        if stream_sid is None:
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
        raise HTTPError(429, 20429, "Too Many Requests: there were too many requests or throughput was exceeded",
                        [(b"retry-after", str(max(1, math.ceil(wait))).encode())])

    def check_in_progress(self, conference_sid: str) -> None:
        """error-codes.mdx 21220: "A stream cannot be started for a call or conference in the current state".
        The page gives no HTTP status; 400 with the error schema is the documented status that fits
        (Twilio answers its 21220 with 400 too)."""
        if self.conference_status.get(conference_sid) != "in-progress":
            raise HTTPError(400, 21220, "A stream cannot be started for a call or conference in the current state "
                                        f"(conference {self.conference_status.get(conference_sid)})")

    def authenticate(self, header: bytes | None) -> None:
        unauthorized = HTTPError(401, 20003, "Authentication Error - invalid username or token")
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
        if not (ok_user and ok_token):
            raise unauthorized

    def check_account(self, account_sid: str) -> None:
        if account_sid != self.settings.project_id:
            raise HTTPError(401, 20003, "Authentication Error - the account does not belong to these credentials")

    def check_conference(self, conference_sid: str) -> None:
        if conference_sid not in self.conferences:
            raise HTTPError(404, 20404, "The requested resource was not found")

    async def read_body(self, headers: dict, receive: Any) -> bytes:
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise HTTPError(400, 21617, f"the request body is larger than {MAX_BODY_BYTES} bytes")
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise HTTPError(400, 21617, f"the request body is larger than {MAX_BODY_BYTES} bytes")
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    def decode(self, content_type: bytes | None, raw: bytes) -> dict[str, Any]:
        try:
            return bodies.decode(content_type.decode("latin-1") if content_type else None, raw)
        except bodies.BodyError as exc:
            raise HTTPError(400, 21600, str(exc)) from None

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
        try:
            uuid.UUID(stream_sid)
        except ValueError:
            raise HTTPError(404, 20404, "The requested resource was not found") from None
        stream = self.store.get(account_sid, conference_sid, stream_sid)
        if stream is None:
            raise HTTPError(404, 20404, "The requested resource was not found")
        if fields.get("Status") != "stopped":
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
