"""One request sent and its answer, with what the suite expected of it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .kinds import RequestKind
from .outcome import Outcome

NOT_JSON = object()


def created_sid(status: int, body: Any) -> str | None:
    """The sid of the stream an answer created (a 200 whose JSON names one), if it created one."""
    sid = body.get("sid") if status == 200 and isinstance(body, dict) else None
    return sid if isinstance(sid, str) else None


@dataclass(frozen=True)
class Expectation:
    """What a request should get (see `RequestKind`). `rule_ids`: for VALID, the must-accept rule that
    judges it (else accept-valid-form/json); for INVALID, the rules it breaks; for OPEN, the open point."""

    kind: RequestKind
    rule_ids: tuple[str, ...] = ()
    source: str = "strategies"
    reason: str = ""
    member: tuple[str, str] | None = None
    """(members class, kind) of the dimension model, when the request was sent as one kind of a class."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", RequestKind(self.kind))  # a kind that is not one fails here, loudly

    @property
    def open_point(self) -> str | None:
        return self.rule_ids[0] if self.kind is RequestKind.OPEN and self.rule_ids else None


@dataclass
class Exchange:
    expectation: Expectation
    method: str
    url: str
    path_parameters: dict[str, str]
    request_headers: dict[str, str]
    request_body: bytes
    content_type: str | None
    sent_fields: dict[str, Any] | None
    """The body fields as sent (strings on a form), when the body is an object."""
    status: int
    response_headers: dict[str, str]
    response_body: bytes
    elapsed: float
    seed: int | None = None
    header_lines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each response header's lines as received, by lower-case name (repeats kept, unlike `response_headers`)."""
    derived: tuple[str, str] | None = None
    """(variant, noise) when the credentials were derived from the target's own (the authentication
    matrix): no secret, and enough for a replay to derive them again from the user's token."""
    case: Any = field(default=None, repr=False)
    response: Any = field(default=None, repr=False)
    _json: Any = field(default=None, repr=False)
    repeat: str | None = None
    """For a 5xx other than 503: what the same request got when re-sent once ("deterministic: ..." or
    "intermittent: ..."), so a reader can tell a crash from a blip. None otherwise."""

    @property
    def encoding(self) -> str:
        return "json" if (self.content_type or "").startswith("application/json") else "form"

    @property
    def json(self) -> Any:
        """The response body parsed as JSON, or `NOT_JSON`."""
        if self._json is None:
            try:
                self._json = json.loads(self.response_body)
            except (ValueError, UnicodeDecodeError):
                self._json = NOT_JSON
        return self._json

    @property
    def created_sid(self) -> str | None:
        """The sid of the stream this exchange created, if it created one."""
        return created_sid(self.status, self.json)

    @property
    def response_text(self) -> str:
        return self.response_body.decode("utf-8", "replace")

    @property
    def media_type(self) -> str:
        return self.response_headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class Judged:
    """One exchange and the outcomes of the rules that judged it. `counted` False: a verdict about an
    exchange already counted as traffic (a state rule judging the second create of a probe)."""

    exchange: Exchange
    outcomes: tuple[tuple[str, Outcome], ...]
    counted: bool = True


@dataclass
class Findings:
    """What a probe gathered and judged, for the run to record: its verdicts, notes for the reader (why a rule is
    N/A, what a stream did), what it saw at open points the media streams answer, and the first decoded samples
    per codec (--media)."""

    judged: list[Judged] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    observations: list[tuple[str, str]] = field(default_factory=list)
    waveforms: dict[str, list[int]] = field(default_factory=dict)
