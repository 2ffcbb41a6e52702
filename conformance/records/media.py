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


@dataclass
class MediaFindings:
    """What the media probe gathered and judged, for the run to record: verdicts, notes for the reader,
    what the streams did at the media open points, and the first decoded samples per codec."""

    judged: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    observations: list[tuple[str, str]] = field(default_factory=list)
    waveforms: dict[str, list[int]] = field(default_factory=dict)
