"""What a stateful probe gathers for its rule: the exchanges of a sequence, and what followed them.

`conformance.run` gathers it (sends the creates, waits for callbacks); `conformance.checks.state`
judges it. Neither does the other's job.
"""

from __future__ import annotations

from dataclasses import dataclass

from .exchange import Exchange


@dataclass(frozen=True)
class DuplicateName:
    """A create, then another with the same Name while the first stream is live."""

    first: Exchange
    second: Exchange


@dataclass(frozen=True)
class ConcurrentCreates:
    """Several creates with one Name, sent at once."""

    exchanges: tuple[Exchange, ...]


@dataclass(frozen=True)
class MediaDuplicate:
    """--media: the second create of a live Name, and whether its stream reported stream-error in time."""

    second: Exchange
    errored: bool


@dataclass(frozen=True)
class NameAfterRefusal:
    """A create refused for another reason, then a valid create with the same Name."""

    refused: Exchange
    retry: Exchange
