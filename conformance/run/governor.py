"""Every request the suite sends passes here: the budget, the rate, retries, and throttling.

One `Governor` per run is shared by every session (the concurrency probes use several), and it is
thread-safe. `GovernedSession` is a `requests.Session` whose every request asks the governor
first, so nothing (preflight, Schemathesis's `Case.call`, probes, clean-up) can bypass it.
"""

from __future__ import annotations

import collections
import email.utils
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
MAX_RETRY_AFTER_SECONDS = 60.0


INTERRUPTED = threading.Event()
"""Set by `conformance run`'s SIGINT/SIGTERM handler; every later request raises again, so one
KeyboardInterrupt swallowed somewhere in a library cannot let the run go on."""


class BudgetExhausted(Exception):
    """The request budget is spent: the run ends here, with what it has."""


class TargetUnreachable(Exception):
    """The target did not answer (refused, reset, timed out) even after retries: not a finding."""


class TargetThrottled(TargetUnreachable):
    """The target kept answering 429 after every wait for Retry-After. SignalWire documents 429 (code
    20429) as a rate limit, not an answer about the request: judging it would fail a conforming server."""


class TargetUnavailable(TargetUnreachable):
    """The target kept answering 503 after every wait. Create a (Call) Stream documents 503: "The service is
    temporarily unavailable. Please try again later." A state of the service, not an answer about the request."""


WAITED_OUT = {429: "throttled", 503: "unavailable"}
"""Statuses that say "not now" rather than answer the request: waited out (Retry-After, else a backoff)
and sent again, never judged."""


@dataclass(frozen=True)
class Rate:
    count: int
    period: float

    @classmethod
    def parse(cls, text: str) -> Rate:
        """`5/s`, `300/min`; the count must be a positive whole number."""
        number, _, unit = text.strip().partition("/")
        periods = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0}
        if not number.isdigit() or int(number) < 1 or unit.strip().lower() not in periods:
            raise ValueError(f"a rate looks like 5/s or 300/min, got {text!r}")
        return cls(int(number), periods[unit.strip().lower()])


class _Slot:
    """One request's place in the rate window: stamped again when its answer has arrived."""

    __slots__ = ("at", "done")

    def __init__(self, at: float) -> None:
        self.at, self.done = at, False


@dataclass
class Governor:
    max_requests: int | None = None
    rate: Rate | None = None
    network_retries: int = 2
    throttle_retries: int = 3
    backoff_seconds: float = 0.5
    sent: int = 0
    throttled: int = 0
    unavailable: int = 0
    network_faults: int = 0
    _window: collections.deque[_Slot] = field(default_factory=collections.deque, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def admit(self) -> _Slot:
        """Wait for the rate limit, then count one request against the budget (or refuse it).

        The window holds each request from its admission until a full period after its answer
        arrived (`done`). A request reaches the server after it is admitted and before its answer
        comes back, so no window at the server can hold one too many, whatever the jitter.
        """
        if INTERRUPTED.is_set():
            raise KeyboardInterrupt
        with self._lock:  # held while waiting: requests leave one by one, never in a burst
            if self.max_requests is not None and self.sent >= self.max_requests:
                raise BudgetExhausted(f"the request budget of {self.max_requests} is spent")
            slot = _Slot(time.monotonic())
            if self.rate is not None:
                while True:
                    now = time.monotonic()
                    while self._window and self._window[0].done and now - self._window[0].at >= self.rate.period:
                        self._window.popleft()
                    if len(self._window) < self.rate.count:
                        break
                    oldest = self._window[0]
                    time.sleep(max(0.005, oldest.at + self.rate.period - now) if oldest.done else 0.005)
                slot.at = time.monotonic()
                self._window.append(slot)
            self.sent += 1
            return slot

    def count(self, what: str) -> None:
        """One more of `throttled`, `unavailable` or `network_faults`."""
        with self._lock:
            if what == "throttled":
                self.throttled += 1
            elif what == "unavailable":
                self.unavailable += 1
            else:
                self.network_faults += 1

    @staticmethod
    def done(slot: _Slot) -> None:
        slot.at, slot.done = time.monotonic(), True


def retry_after_seconds(value: str | None, default: float = 1.0) -> float:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), bounded; `default` without one."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return 1.0
    return min(max(0.0, when - time.time()), MAX_RETRY_AFTER_SECONDS)


class GovernedSession(requests.Session):
    def __init__(self, governor: Governor) -> None:
        super().__init__()
        self.governor = governor
        self._environment: dict = {}

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        """requests reads the proxy variables (every one in os.environ) and .netrc again for each
        request: about a tenth of the suite's own cost of sending one. The environment does not
        change during a run, so the answer is kept per scheme and host."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, repr(proxies), stream, repr(verify), repr(cert))
        if key not in self._environment:
            self._environment[key] = super().merge_environment_settings(url, proxies, stream, verify, cert)
        return dict(self._environment[key])

    def request(self, method, url, *args, **kwargs):  # noqa: D401 - requests' signature
        faults = 0
        waits = {status: 0 for status in WAITED_OUT}
        while True:
            slot = self.governor.admit()
            try:
                response = super().request(method, url, *args, **kwargs)
            except NETWORK_ERRORS as exc:
                self.governor.done(slot)
                self.governor.count("network_faults")
                faults += 1
                if faults > self.governor.network_retries:
                    host = url.split("/api/", 1)[0]
                    raise TargetUnreachable(f"{host} did not answer after {faults} tries: "
                                            f"{type(exc).__name__}") from None
                time.sleep(self.governor.backoff_seconds * faults)
                continue
            self.governor.done(slot)
            status = response.status_code
            if status in WAITED_OUT:
                if waits[status] >= self.governor.throttle_retries:
                    raise self._gave_up(status, url, waits[status])
                waits[status] += 1
                self.governor.count(WAITED_OUT[status])
                backoff = self.governor.backoff_seconds * 2 ** waits[status]
                time.sleep(retry_after_seconds(response.headers.get("Retry-After"), default=backoff))
                continue
            return response

    @staticmethod
    def _gave_up(status: int, url: str, waits: int) -> TargetUnreachable:
        host = url.split("/api/", 1)[0]
        if status == 429:
            return TargetThrottled(f"{host} is throttling this project (429 Too Many Requests) even after "
                                   f"{waits} waits for Retry-After: run later, or slower with --rate 5/s")
        return TargetUnavailable(f"the service was unavailable: {host} answered 503 (Service Unavailable) even "
                                 f"after {waits} waits: run later")
