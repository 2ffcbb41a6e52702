"""What the suite's receivers recorded of one stream: its WebSocket session and its status callbacks."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MediaSession:
    headers: dict[str, str]
    messages: list[dict] = field(default_factory=list)
    bad_frames: int = 0
    closed: bool = False
    marks_sent: list[str] = field(default_factory=list)
    """Names of the marks the receiver sent on this stream (media-mark-echo: does the same name come back?)."""


@dataclass
class Callback:
    method: str
    params: dict[str, str]
