"""What an emulator instance is configured with: its credentials, its conferences and their state, throttling."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field

from conformance.contract.document import API_ROOT  # noqa: F401 - the emulator serves the document's root


def _token() -> str:
    return "PT" + secrets.token_hex(24)


@dataclass(frozen=True)
class Throttle:
    """At most `count` requests in any `period` seconds; the rest get 429 with Retry-After (SignalWire's 20429).

    `count` 0 throttles every request: a space that is out of capacity, for the preflight's sake."""

    count: int
    period: float = 1.0

    @classmethod
    def parse(cls, text: str) -> Throttle:
        """`20/s`, `600/min`, `0/s`."""
        number, _, unit = text.strip().partition("/")
        periods = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0}
        if not number.isdigit() or unit.strip().lower() not in periods:
            raise ValueError(f"a throttle looks like 20/s, 600/min or 0/s, got {text!r}")
        return cls(int(number), periods[unit.strip().lower()])


@dataclass(frozen=True)
class Unavailable:
    """Transient unavailability, for the suite's own tests: 503 to one create in `every` (1: to all).

    The Create a Call Stream operation documents 503 (signalwire/docs specs/compatibility-api/calls/main.tsp:
    `| CompatibilityStatusCode503`, "The service is temporarily unavailable. Please try again later.", with a
    CompatibilityErrorResponse body); a conference stream is served by the same machinery, so a client of
    Create a Conference Stream meets it too."""

    every: int

    @classmethod
    def parse(cls, text: str) -> Unavailable:
        """`every:N` (N >= 1) or `always`."""
        word = text.strip().lower()
        if word == "always":
            return cls(1)
        kind, _, number = word.partition(":")
        if kind != "every" or not number.isdigit() or int(number) < 1:
            raise ValueError(f"unavailable looks like every:20 or always, got {text!r}")
        return cls(int(number))

    @property
    def always(self) -> bool:
        return self.every == 1


@dataclass(frozen=True)
class EmulatorSettings:
    project_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    api_token: str = field(default_factory=_token)
    conference_sids: tuple[str, ...] = field(default_factory=lambda: (str(uuid.uuid4()), str(uuid.uuid4())))
    """Two by default, so that a Name's scope ("per Conference") can be tried against the embedded emulator."""
    idle_conference_sids: tuple[str, ...] = ()
    """Conferences that exist but are not in progress (status `init`): a create there gets 21220."""
    throttle: Throttle | None = None
    unavailable: Unavailable | None = None
    """None: always available; else 503 (with Retry-After) to one create in `unavailable.every`."""
    scopeless_token: str | None = field(default_factory=_token)
    """A second token of the project without the Voice scope: it authenticates, and is refused 401 (20003)."""
    reject_query_urls: bool = False
    """Answer an open point the other way (url-query): a Url or StatusCallback with a query string is
    rejected (422), as SignalWire's stream page reads "The url does not support query string parameters".
    Off by default; `conformance compare emulator emulator:reject_query_urls` shows the difference."""
    wrong_status_for_missing_url: int | None = None
    """Break a rule on purpose (url-required): a create without Url is answered with this status (200:
    created anyway; 500: a server error) instead of 422. Never the default; for comparisons and self-tests."""

    def __post_init__(self) -> None:
        if self.wrong_status_for_missing_url not in (None, 200, 500):
            raise ValueError("wrong_status_for_missing_url is 200 or 500")
        if not self.api_token:
            raise ValueError("the API token must not be empty")
        if ":" in self.project_id:
            raise ValueError("the project id must not contain ':' (it is the Basic-auth user name)")
        for sid in self.conference_sids + self.idle_conference_sids:
            try:
                uuid.UUID(sid)
            except ValueError:
                raise ValueError(f"conference sid {sid!r} is not a UUID") from None
        if set(self.conference_sids) & set(self.idle_conference_sids):
            raise ValueError("a conference is either in progress or not, not both")
        if self.scopeless_token == self.api_token:
            raise ValueError("the scopeless token must differ from the API token")
        if not self.conference_sids:
            raise ValueError("at least one conference sid is needed")
