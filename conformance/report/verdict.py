"""The run's verdict, in words and as the exit status: decided here, once, from the run's record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.records.kinds import ExitStatus

from .record import RunRecord

if TYPE_CHECKING:
    from .compare import Comparison


def exit_status(record: RunRecord) -> ExitStatus:
    """2 not made; 130 interrupted (whatever was judged before: the run is not whole); 1 a MUST failed;
    3 incomplete (a MUST rule NOT RUN or PARTIAL, unless --allow-partial or --dry-run); else 0."""
    results = record.results
    if results.problems:
        return ExitStatus.NOT_MADE
    if record.interrupted:
        return ExitStatus.INTERRUPTED
    if results.must_failed:
        return ExitStatus.FAILED
    if results.must_not_run and not (record.settings.allow_partial or record.settings.dry_run):
        return ExitStatus.INCOMPLETE
    return ExitStatus.OK


def must_tally(record: RunRecord) -> str:
    results = record.results
    expected = results.must_expected
    run = len(expected) - len(results.must_not_run)
    media = "" if record.settings.media else " (media rules need --media)"
    return f"{run} of {len(expected)} MUST rules exercised in full{media}"


def verdict_line(record: RunRecord) -> str:
    results = record.results
    if record.settings.dry_run:
        return "DRY RUN: nothing was sent, nothing was judged"
    if results.problems:
        return f"RUN NOT MADE: {results.problems[0]}"
    why = ""
    if record.interrupted:
        why = "; interrupted"
    elif results.budget_spent:
        why = "; the request budget ran out"
    tally = must_tally(record)
    failed = results.must_failed
    if failed:
        return f"NOT CONFORMANT: {len(failed)} MUST requirement(s) failed ({tally}{why})"
    not_run = results.must_not_run
    if not_run:
        head = "PARTIAL RUN (--allow-partial)" if record.settings.allow_partial else "INCOMPLETE"
        return (f"{head}: no verdict on conformance: {len(not_run)} MUST rule(s) NOT RUN or PARTIAL, none of those "
                f"exercised failed ({tally}{why})")
    return f"CONFORMANT: every MUST requirement held ({tally}{why})"


def comparison_status(comparison: Comparison) -> ExitStatus:
    """`conformance compare`: 2 when either side could not be run; 130 interrupted; 1 when a difference
    is a conformance failure of the side under test; else 0 (open points and uncovered differences
    inform, they do not fail)."""
    sides = comparison.sides
    if any(side.problem or side.record is None for side in sides):
        return ExitStatus.NOT_MADE
    if any(side.record.interrupted for side in sides):
        return ExitStatus.INTERRUPTED
    if comparison.failures_under_test:
        return ExitStatus.FAILED
    return ExitStatus.OK
