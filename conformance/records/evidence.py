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
# --- issue 19 (run side): the life cycle, the Name's scope, the token's scope -------------------------
@dataclass(frozen=True)
class Stopped:
    """A create, then Update a Conference Stream with Status=stopped addressed by `by` ("sid" or "name")."""

    created: Exchange
    stop: Exchange
    by: str


@dataclass(frozen=True)
class UpdateAnswer:
    """One update whose right answer is fixed by what it addressed: an unknown sid, or a Status not `stopped`."""

    update: Exchange


@dataclass(frozen=True)
class OtherConference:
    """A create in one conference, then one with the same Name in another (`second` None: no other conference
    was given; `note` says so)."""

    first: Exchange
    second: Exchange | None
    note: str = ""


@dataclass(frozen=True)
class ScopelessCreate:
    """A valid create sent with a token lacking the Voice scope (None: no such token was given)."""

    exchange: Exchange | None
