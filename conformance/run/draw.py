"""Drawing examples from Hypothesis strategies without Hypothesis's test engine.

The suite records failures instead of raising them, so the engine's search (shrinking, mutating
earlier examples, its example database) would only cost time: a default run used to call the test
function about 1.5 times per request sent. A draw here is one pass of the strategy over a random
source seeded from the run's seed and the draw's key, so a plan is reproducible from the seed, and
any single draw can be made again without the ones before it.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis.control import BuildContext
from hypothesis.errors import StopTest
from hypothesis.internal.conjecture.choice import ChoiceTemplate
from hypothesis.internal.conjecture.data import ConjectureData
from hypothesis.strategies import SearchStrategy

MAX_TRIES = 50
"""Draws a filter may reject before the strategy counts as exhausted."""
_MAX_CHOICES = 100_000


def _keep_interval_set_hashes() -> None:
    """Hypothesis keys a cache by each string draw's constraints, hashing the character set's
    tuple of intervals every time (hundreds of pairs for the strategies' Unicode text) and not
    keeping the result: about 15% of the CPU time of drawing a valid request. The set is
    immutable; its hash is kept once computed."""
    try:
        from hypothesis.internal.intervalsets import IntervalSet
    except ImportError:  # pragma: no cover - a Hypothesis without it needs nothing here
        return
    if getattr(IntervalSet.__hash__, "_kept", False):
        return

    def kept_hash(self) -> int:
        value = self.__dict__.get("_conformance_hash")
        if value is None:
            value = self.__dict__["_conformance_hash"] = hash(self.intervals)
        return value

    kept_hash._kept = True
    IntervalSet.__hash__ = kept_hash


_keep_interval_set_hashes()


class Exhausted(Exception):
    """A strategy produced nothing valid in `MAX_TRIES` draws (its filters reject everything)."""


def _run(strategy: SearchStrategy, data: ConjectureData) -> Any:
    with BuildContext(data, wrapped_test=None):
        return data.draw(strategy)


def draw(strategy: SearchStrategy, seed: int, key: str) -> Any:
    """One example of `strategy`, the same for the same seed and key."""
    rnd = random.Random(f"{seed}/{key}")
    for _ in range(MAX_TRIES):
        try:
            return _run(strategy, ConjectureData(random=rnd, max_choices=_MAX_CHOICES))
        except StopTest:  # a filter or assume rejected this draw: try the next one
            continue
    raise Exhausted(f"no example of {key} in {MAX_TRIES} draws")


def simplest(strategy: SearchStrategy, seed: int, key: str) -> Any:
    """The example Hypothesis would try first (every choice at its simplest): for a labelled
    strategy, usually its most telling case (`ws://` for a wss rule, no header for auth)."""
    try:
        return _run(strategy, ConjectureData(prefix=[ChoiceTemplate("simplest", count=None)],
                                             random=random.Random(0), max_choices=_MAX_CHOICES))
    except StopTest:
        return draw(strategy, seed, key)
