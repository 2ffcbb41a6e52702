"""The emulator's streams, and the one invariant on them: a live Name is unique per conference.

The server runs a single event loop, and `create` and `stop` never await, so each is atomic with
respect to every other request; the lock makes that hold too for callers on other threads
(tests that drive the store directly).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any


class DuplicateName(Exception):
    pass


@dataclass
class Stream:
    sid: str
    account_sid: str
    conference_sid: str
    name: str | None
    status: str
    date_updated: str
    fields: dict[str, Any] = field(repr=False, default_factory=dict)


class StreamStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._streams: dict[str, Stream] = {}
        self._live_names: dict[tuple[str, str, str], str] = {}

    def create(self, account_sid: str, conference_sid: str, name: str | None, date: str, fields: dict) -> Stream:
        sid = str(uuid.uuid4())
        with self._lock:
            if name is not None:
                key = (account_sid, conference_sid, name)
                if key in self._live_names:
                    raise DuplicateName(name)
                self._live_names[key] = sid
            stream = Stream(sid, account_sid, conference_sid, name, "queued", date, fields)
            self._streams[sid] = stream
        return stream

    def get(self, account_sid: str, conference_sid: str, sid: str) -> Stream | None:
        stream = self._streams.get(sid)
        if stream is None or (stream.account_sid, stream.conference_sid) != (account_sid, conference_sid):
            return None
        return stream

    def stop(self, stream: Stream, date: str) -> Stream:
        with self._lock:
            if stream.status != "stopped":
                stream.status = "stopped"
                stream.date_updated = date
                if stream.name is not None:
                    self._live_names.pop((stream.account_sid, stream.conference_sid, stream.name), None)
        return stream

    def __len__(self) -> int:
        return len(self._streams)
