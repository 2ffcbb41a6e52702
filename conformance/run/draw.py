"""Drawing examples from Hypothesis strategies without Hypothesis's test engine.

The suite records failures instead of raising them, so the engine's search (shrinking, mutating
earlier examples, its example database) would only cost time: a default run used to call the test
function about 1.5 times per request sent. A draw here is one pass of the strategy over a random
source seeded from the run's seed and the draw's key, so a plan is reproducible from the seed, and
any single draw can be made again without the ones before it.

This module is the ONLY place the suite touches Hypothesis internals (not public API; they may
change in any minor release, hence the upper bound on Hypothesis in pyproject.toml). It relies on:

- `hypothesis.internal.conjecture.data.ConjectureData(random=, prefix=, max_choices=)` and its
  `.draw(strategy)`: one pass of a strategy over a choice source;
- `hypothesis.internal.conjecture.choice.ChoiceTemplate("simplest", count=None)`: a prefix that
  makes every choice its simplest (`simplest`);
- `hypothesis.control.BuildContext(data, wrapped_test=)`: the context `data.draw` needs outside
  the engine;
- `hypothesis.errors.StopTest` (a draw refused, or ran out of choices; public module, private name);
- `hypothesis.internal.intervalsets.IntervalSet` with `.intervals` and `__hash__` = hash of the
  intervals (its hash is kept while the suite draws: `_hashes_kept`).

`REQUIRED_INTERNALS` lists them with the parameters used; `missing_internals()` says which are gone
or changed (tests/test_draw.py fails naming them).
"""

from __future__ import annotations

import inspect
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import hypothesis
from hypothesis.errors import UnsatisfiedAssumption
from hypothesis.strategies import SearchStrategy


def supported_hypothesis() -> str:
    """The Hypothesis requirement the installed suite declares (pyproject.toml's dependencies)."""
    from importlib.metadata import PackageNotFoundError, requires

    try:
        found = [r for r in requires("signalwire-stream-conformance") or () if r.startswith("hypothesis")]
    except PackageNotFoundError:
        found = []
    return found[0] if found else "the hypothesis range in pyproject.toml"


try:
    from hypothesis.control import BuildContext
    from hypothesis.errors import StopTest
    from hypothesis.internal.conjecture.choice import ChoiceTemplate
    from hypothesis.internal.conjecture.data import ConjectureData
    from hypothesis.internal.intervalsets import IntervalSet
except ImportError as gone:  # say which internal, and which Hypothesis works, not just a traceback
    raise ImportError(f"conformance.run.draw: Hypothesis {hypothesis.__version__} lacks an internal the suite "
                      f"draws with ({gone}); install a Hypothesis the suite supports: {supported_hypothesis()}"
                      ) from gone

MAX_TRIES = 50
"""Draws a filter may reject before the strategy counts as exhausted."""
_MAX_CHOICES = 100_000

REQUIRED_INTERNALS: dict[str, tuple[Any, tuple[str, ...]]] = {
    # name -> (callable, the parameter names this module passes to it)
    "hypothesis.internal.conjecture.data.ConjectureData": (ConjectureData, ("random", "prefix", "max_choices")),
    "hypothesis.internal.conjecture.data.ConjectureData.draw": (ConjectureData.draw, ("strategy",)),
    "hypothesis.internal.conjecture.choice.ChoiceTemplate": (ChoiceTemplate, ("type", "count")),
    "hypothesis.control.BuildContext": (BuildContext, ("data", "wrapped_test")),
    "hypothesis.internal.intervalsets.IntervalSet": (IntervalSet, ("intervals",)),
}


def missing_internals() -> list[str]:
    """One line per internal this module needs that is gone or no longer takes what it passes."""
    problems = []
    for name, (target, params) in REQUIRED_INTERNALS.items():
        try:
            accepted = inspect.signature(target).parameters
        except (TypeError, ValueError):
            problems.append(f"{name}: no inspectable signature")
            continue
        if any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
            continue
        lost = [p for p in params if p not in accepted]
        if lost:
            problems.append(f"{name}: no longer takes {', '.join(lost)} (takes {', '.join(accepted)})")
    if "__hash__" not in vars(IntervalSet):
        problems.append("hypothesis.internal.intervalsets.IntervalSet.__hash__: gone (hash by intervals expected)")
    if not (isinstance(StopTest, type) and issubclass(StopTest, BaseException)):
        problems.append("hypothesis.errors.StopTest: no longer an exception")
    return problems


_ORIGINAL_HASH = IntervalSet.__hash__
_hash_lock = threading.Lock()
_hash_users = 0


def _kept_hash(self: IntervalSet) -> int:
    # The same value as IntervalSet's own hash (hash of the intervals), so a dict filled while
    # the suite draws is still looked up correctly after; it is only computed once per set.
    value = self.__dict__.get("_conformance_hash")
    if value is None:
        value = self.__dict__["_conformance_hash"] = hash(self.intervals)
    return value


@contextmanager
def _hashes_kept() -> Iterator[None]:
    """While the suite draws, IntervalSet keeps its hash once computed.

    Hypothesis keys a cache by each string draw's constraints, hashing the character set's tuple of
    intervals every time (hundreds of pairs for the strategies' Unicode text): about 15% of the CPU
    of drawing a valid request (benchmarks/draw_hash.py). The patch is installed only around the
    suite's own draws and restored after the last one leaves (a count under a lock, so nested and
    concurrent draws are safe); another thread's Hypothesis test running during a draw of the
    suite's sees the same hash values, only computed faster."""
    global _hash_users
    with _hash_lock:
        if _hash_users == 0:
            IntervalSet.__hash__ = _kept_hash
        _hash_users += 1
    try:
        yield
    finally:
        with _hash_lock:
            _hash_users -= 1
            if _hash_users == 0:
                IntervalSet.__hash__ = _ORIGINAL_HASH


class Exhausted(Exception):
    """A strategy produced nothing valid in `MAX_TRIES` draws (its filters reject everything)."""


def _run(strategy: SearchStrategy, data: ConjectureData) -> Any:
    with BuildContext(data, wrapped_test=None):
        return data.draw(strategy)


def draw(strategy: SearchStrategy, seed: int, key: str) -> Any:
    """One example of `strategy`, the same for the same seed and key."""
    rnd = random.Random(f"{seed}/{key}")
    with _hashes_kept():
        for _ in range(MAX_TRIES):
            try:
                return _run(strategy, ConjectureData(random=rnd, max_choices=_MAX_CHOICES))
            except (StopTest, UnsatisfiedAssumption):  # a filter, assume or reject() refused this draw: try the next
                continue
    raise Exhausted(f"no example of {key} in {MAX_TRIES} draws")


def simplest(strategy: SearchStrategy, seed: int, key: str, *, fallback: bool = True) -> Any:
    """The example Hypothesis would try first (every choice at its simplest): for a labelled
    strategy, usually its most telling case (`ws://` for a wss rule, no header for auth). When a filter
    refuses it: a draw keyed by the seed, or None with `fallback=False` (so that a caller can tell the
    seed-independent answer from a seeded one)."""
    try:
        with _hashes_kept():
            return _run(strategy, ConjectureData(prefix=[ChoiceTemplate("simplest", count=None)],
                                                 random=random.Random(0), max_choices=_MAX_CHOICES))
    except (StopTest, UnsatisfiedAssumption):
        return draw(strategy, seed, key) if fallback else None
