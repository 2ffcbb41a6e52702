"""report/results.py and report/verdict.py: tallies per rule, the statuses a reader sees, and the exit."""

from __future__ import annotations

import dataclasses

from conformance.contract import rules
from conformance.records.exchange import Exchange, Expectation, Judged
from conformance.records.kinds import ExitStatus, Status
from conformance.records.outcome import PASS, Failed
from conformance.records.settings import RunSettings
from conformance.report.record import RunRecord, Traffic
from conformance.report.results import Results
from conformance.report.verdict import exit_status, verdict_line


def _exchange(status=200) -> Exchange:
    return Exchange(Expectation("valid"), "POST", "http://x/Streams", {}, {}, b"Url=wss%3A%2F%2Fa", None,
                    {"Url": "wss://a"}, status, {}, b"{}", 0.01)


def _results(**kwargs) -> Results:
    return Results(secrets=("s3cret",), basic_header="Basic czNjcmV0", **kwargs)


def _record(results: Results, **settings) -> RunRecord:
    return RunRecord(RunSettings(seed=1, **settings), "http://x", True, results, Traffic(1, None), (), 0.0, 1.0)


def test_a_pass_and_a_failure_are_counted_and_the_failure_kept():
    results = _results()
    failures = results.record(Judged(_exchange(), (("no-server-error", PASS), ("url-required", Failed("422", "200")))))
    assert failures == [("url-required", Failed("422", "200"))]
    assert results.requests == 1 and results.by_rule["no-server-error"].passed == 1
    kept = results.by_rule["url-required"].examples
    assert len(kept) == 1 and kept[0].expected == "422"


def test_a_verdict_about_a_counted_exchange_is_not_traffic():
    results = _results()
    results.record(Judged(_exchange(), (("name-unique", PASS),), counted=False))
    assert results.requests == 0 and results.by_rule["name-unique"].passed == 1


def test_statuses_from_the_tally():
    results = _results(gates={"url-required": 2, "url-scheme-wss": 1})
    assert results.by_rule["url-required"].status is Status.NOT_RUN
    results.offer(["url-required"])
    results.cover(["url-required"])
    assert results.by_rule["url-required"].status is Status.PARTIAL
    results.cover(["url-required"])
    assert results.by_rule["url-required"].status is Status.NOT_APPLICABLE  # offered in full, never called for
    results.record(Judged(_exchange(), (("track-case", Failed("422", "200")),)))
    assert results.by_rule["track-case"].status is Status.WARN  # a SHOULD
    assert results.by_rule[rules.MEDIA_RULE_IDS[0]].status is Status.SKIP  # media without --media


def test_a_discarding_tally_judges_nothing():
    results = _results(discard=True)
    assert results.record(Judged(_exchange(), (("url-required", Failed("422", "200")),))) == []
    assert results.requests == 0 and not results.by_rule["url-required"].failed


def test_the_exit_status_in_order_of_precedence():
    clean = _results()
    assert exit_status(_record(clean)) is ExitStatus.INCOMPLETE  # nothing exercised
    assert exit_status(_record(clean, allow_partial=True)) is ExitStatus.OK
    assert "PARTIAL RUN" in verdict_line(_record(clean, allow_partial=True))
    failed = _results()
    failed.record(Judged(_exchange(), (("url-required", Failed("422", "200")),)))
    assert exit_status(_record(failed)) is ExitStatus.FAILED
    assert exit_status(dataclasses.replace(_record(failed), interrupted=True)) is ExitStatus.INTERRUPTED
    failed.record_problem("the target is gone")
    assert exit_status(_record(failed)) is ExitStatus.NOT_MADE
    assert verdict_line(_record(failed)) == "RUN NOT MADE: the target is gone"
