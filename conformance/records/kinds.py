"""The kinds the run passes around, as types: what a request is, what a plan step does, what a
rule's result is, and how a run ends. Each is decided once and carried, never re-derived."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class RequestKind(StrEnum):
    """What a request is, and so how its answer is judged."""

    VALID = "valid"
    """Must be accepted (200); judged by its must-accept rule (accept-valid-form/json by default)."""
    INVALID = "invalid"
    """Breaks the rules it names: one of their statuses is due."""
    OPEN = "open"
    """In an open point: either answer conforms; only the universal rules judge it."""
    SCHEMA_NEGATIVE = "schema-negative"
    """Schemathesis negated the schema; its own check decides whether it is invalid on the wire."""
    PROBE = "probe"
    """Part of a stateful probe whose right answer is not simply 200 (a duplicate Name, an unanswered Url):
    the universal rules judge it, and the probe's own state rule judges the sequence."""


class StepKind(StrEnum):
    REQUEST = "request"
    SCHEMATHESIS = "schemathesis"
    PROBE = "probe"
    MEDIA = "media"


class Status(StrEnum):
    """A rule's result in a run's report, in the order a reader should see them."""

    FAIL = "FAIL"
    NOT_RUN = "NOT RUN"
    PARTIAL = "PARTIAL"
    WARN = "WARN"
    WAIVED = "WAIVED"
    PASS = "PASS"
    NOT_APPLICABLE = "N/A"
    SKIP = "SKIP"

    @property
    def rank(self) -> int:
        return list(Status).index(self)


class ExitStatus(IntEnum):
    """How a run ends; every door (`conformance run`, the pytest plugin) returns one of these."""

    OK = 0
    """Every MUST requirement held, and every MUST rule was exercised in full."""
    FAILED = 1
    """At least one MUST requirement failed."""
    NOT_MADE = 2
    """The run could not be made: bad usage, target unreachable, credentials or conference refused, a
    space that kept answering 429 or 503."""
    INCOMPLETE = 3
    """No MUST failed, but some MUST rule was NOT RUN or PARTIAL."""
    INTERRUPTED = 130
    """Ctrl-C or SIGTERM; the reports are written."""
    BROKEN_PIPE = 141
    """The reader of the output left (`conformance run | head`)."""

    @property
    def severity(self) -> int:
        """Worst last, for a combined exit: a pass, an incomplete run, a failure, an interruption, a run not made."""
        return {0: 0, 3: 1, 1: 2, 130: 3, 141: 3, 2: 4}[int(self)]


class DifferenceLabel(StrEnum):
    """Why two targets answered one request differently (`conformance compare`), worst first."""

    FAILURE = "conformance failure"
    """A rule failed on one side and not on the other (the side and the rule are named)."""
    UNCOVERED = "not covered"
    """Both answers pass every rule the suite judges, and no rule or open point speaks to the difference."""
    OPEN_POINT = "open point"
    """The request is in an open point of the registry: either answer conforms, and the two differ."""
    FREEDOM = "allowed either way"
    """A rule the request is judged by allows both answers (400 or 422 for a validation error, a status
    of the document's enum): the document decided that either is right."""
