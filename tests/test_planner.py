"""The plan: a coverage set that offers every rule first, honest partial runs, coverage in the reports."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import strategies as st
from lxml import etree

import strategies
from conformance.contract import rules
from conformance.emulator import running_emulator
from conformance.records.kinds import ExitStatus
from conformance.run import planner
from conformance.run.governor import Governor
from conformance.run.runner import Runner
from conformance.run.sender import Sender
from strategies._open import LONG_TEXT

from .conftest import run_suite, statuses, suite_env

SCHEMA = Path(__file__).parents[1] / "conformance" / "report" / "schemas" / "results.schema.json"
REST_MUST = {r.id for r in rules.RULES.values() if r.level is rules.Level.MUST and r.id not in rules.MEDIA_RULE_IDS
             and r.id not in rules.LIFECYCLE_RULE_IDS}
"""Expected without --media and --lifecycle (both off against a target given by address)."""
NEEDS_MORE = {"name-per-conference", "token-scope"}
"""N/A against a target given one conference and no token without Voice (each probe then sends nothing)."""


@pytest.fixture()
def runner(target):
    return Runner(target, Sender(Governor()), seed=1)


def _fingerprint(plan: planner.Plan) -> list:
    return [(s.name, s.request.body_bytes() if s.request else None, repr(s.request) if s.request else None)
            for s in plan.coverage]


def test_coverage_set_offers_every_rule_within_its_budget(runner):
    plan = planner.build(runner, seed=5, rounds=2)
    offered = set().union(*(s.offers for s in plan.coverage))
    assert offered >= set(rules.RULES) - set(rules.MEDIA_RULE_IDS) - set(rules.LIFECYCLE_RULE_IDS)
    # the emulator's second conference and token without Voice add their probes (8 requests at most)
    extra = sum(s.cost for s in plan.coverage if s.offers & NEEDS_MORE)
    assert extra == 8 and plan.coverage_cost - extra <= planner.COVERAGE_BUDGET, plan.coverage_cost
    for rule in rules.REQUEST_RULES:  # every breakable rule has a request labelled with it
        assert any(s.request is not None and rule.id in s.request.rule_ids for s in plan.coverage), rule.id
    assert not plan.reachable(plan.coverage_cost)[1]
    # MUST ones first (but those whose probes need a second conference or a token without Voice)
    assert not {r for r in plan.reachable(80)[1] if rules.get(r).level is rules.Level.MUST} - NEEDS_MORE
    assert plan.reachable(20)[1] & REST_MUST  # a small budget cannot reach every MUST rule in full


def test_coverage_set_sends_every_enum_value_boundary_and_both_encodings(runner):
    from conformance.contract import document

    plan = planner.build(runner, seed=5, rounds=1)
    sent = [s.request for s in plan.coverage if s.request is not None]
    for field in document.ENUM_FIELDS:
        assert {r.fields.get(field) for r in sent} >= set(document.enum_values(field)), field
    limit = document.max_custom_parameters()
    keys = [set(r.fields) for r in sent]
    assert any(k >= {"Parameter1.Name"} and len(k) == 3 for k in keys)
    assert any(f"Parameter{limit}.Name" in k and "Parameter1.Name" not in k for k in keys)
    assert any(k >= {f"Parameter{i}.Name" for i in range(1, limit + 1)} for k in keys)
    assert any(f"Parameter{limit + 1}.Name" in k for k in keys)
    values = [v for r in sent for v in r.fields.values() if isinstance(v, str)]
    assert "" in values and max(map(len, values)) >= LONG_TEXT  # the open points text-empty, text-very-long
    assert {r.encoding for r in sent if r.is_valid} == {"form", "json"}
    assert {s.kind for s in plan.coverage} >= {"request", "schemathesis", "probe"}


def test_plan_is_deterministic_from_the_seed(runner):
    one, two, other = (planner.build(runner, seed=s, rounds=2) for s in (11, 11, 12))
    assert _fingerprint(one) == _fingerprint(two)
    depth = [[(n, r, q.body_bytes(), repr(q)) for n, r, q in p.depth()] for p in (one, two, other)]
    assert depth[0] == depth[1]
    assert depth[0] != depth[2]


def test_depth_goes_breadth_first_round_robin(runner):
    plan = planner.build(runner, seed=3, rounds=3)
    order = [(name, round_no) for name, round_no, _ in plan.depth()]
    rounds = [r for _, r in order]
    assert rounds == sorted(rounds)  # no stream gets a second example before every stream had its first
    first = [n for n, r in order if r == 1]
    assert {f"rule:{r.id}" for r in rules.REQUEST_RULES} <= set(first)
    assert {"valid:form", "valid:json"} <= set(first)


def test_new_rules_and_open_points_join_the_plan_from_the_registry(runner, monkeypatch):
    """The planner reads the registry and the strategies; it names no rule of its own."""
    base = rules.get("track-enum")
    new_rule = dataclasses.replace(base, id="track-new-rule", title="a rule added later")
    monkeypatch.setitem(rules.RULES, new_rule.id, new_rule)
    monkeypatch.setattr(rules, "REQUEST_RULES", (*rules.REQUEST_RULES, new_rule))
    real = strategies.invalid_stream_requests

    def invalid(rule=None, encoding=None):
        if rule == new_rule.id:
            return real("track-enum", encoding).map(lambda r: dataclasses.replace(r, rule_ids=(new_rule.id,)))
        return real(rule, encoding)

    monkeypatch.setattr(strategies, "invalid_stream_requests", invalid)
    monkeypatch.setattr(strategies, "OPEN_POINT_IDS", ("query-string-url",))
    monkeypatch.setattr(strategies, "open_stream_requests", lambda point_id: st.just(strategies.StreamRequest(
        fields={"Url": "wss://media.example/s?x=1"}, reason="a query string", open_point=point_id)))
    plan = planner.build(runner, seed=1, rounds=1)
    names = [s.name for s in plan.coverage]
    assert f"rule {new_rule.id}" in names and "open point query-string-url" in names
    assert f"rule:{new_rule.id}" in plan.streams and "open:query-string-url" in plan.streams
    step = next(s for s in plan.coverage if s.open_point == "query-string-url")
    assert step.request.open_point == "query-string-url" and step.offers == planner.UNIVERSAL


def test_the_coverage_budget_is_a_complete_verdict(tmp_path):
    """Every MUST rule is reached in full within the coverage set's first 80 requests: its tail (the probes, the
    open points and the model's open classes) decides no MUST rule."""
    with running_emulator() as server:
        proc, report = run_suite(["--base-url", server.base_url, "--max-requests", str(planner.COVERAGE_BUDGET),
                                  "--seed", "2"], suite_env(server), tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert report["traffic"]["sent"] <= planner.COVERAGE_BUDGET
    assert {statuses(report)[r] for r in REST_MUST - NEEDS_MORE} == {"PASS"}
    assert {statuses(report)[r] for r in NEEDS_MORE} == {"N/A"}
    assert report["must_rules"]["exercised"] == report["must_rules"]["expected"] == len(REST_MUST)
    assert report["verdict"].startswith("CONFORMANT: every MUST requirement held")


def test_budget_of_20_is_not_a_pass_and_says_what_it_did_not_run(tmp_path):
    with running_emulator() as server:
        proc, report = run_suite(["--base-url", server.base_url, "--max-requests", "20", "--seed", "2"],
                                 suite_env(server), tmp_path)
    assert proc.returncode == ExitStatus.INCOMPLETE, proc.stdout[-3000:]
    out = proc.stdout
    assert "CONFORMANT: every" not in out and "CONFORMANT: every" not in report["verdict"]
    assert report["verdict"].startswith("INCOMPLETE") and report["exit_code"] == ExitStatus.INCOMPLETE
    # before anything was sent, the plan named what the budget cannot reach
    plan_line = next(line for line in out.splitlines() if "cannot reach" in line)
    assert plan_line in out.splitlines()[:4]  # printed at start-up, ahead of every case's progress line
    not_run = report["must_rules"]["not_run"]
    assert not_run and all(statuses(report)[r] in ("NOT RUN", "PARTIAL") for r in not_run)
    assert all(r in plan_line for r in not_run)
    assert "PASS" not in {statuses(report)[r] for r in not_run}
    media = {statuses(report)[r] for r in rules.MEDIA_RULE_IDS}
    assert media == {"SKIP"} and not set(rules.MEDIA_RULE_IDS) & set(not_run)  # not expected without --media
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator(schema).validate(report)  # NOT RUN and PARTIAL are in the published schema
    html = etree.HTML((tmp_path / "report.html").read_text())
    assert "incomplete" in html.find(".//div[@id='verdict']").get("class")
    assert html.find(".//p[@id='not-run']") is not None
    junit = etree.parse(str(tmp_path / "junit.xml"))
    assert junit.find(f".//testcase[@name='{not_run[0]} [MUST]']/skipped") is not None


def test_allow_partial_exits_0_without_claiming_conformance(tmp_path):
    with running_emulator() as server:
        proc, report = run_suite(["--base-url", server.base_url, "--max-requests", "20", "--allow-partial"],
                                 suite_env(server), tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert report["verdict"].startswith("PARTIAL RUN (--allow-partial)")
    assert "CONFORMANT: every" not in proc.stdout


def test_quick_run_is_a_complete_verdict_with_coverage_in_the_report(tmp_path):
    with running_emulator() as server:
        proc, report = run_suite(["--base-url", server.base_url, "--seed", "4"], suite_env(server), tmp_path)
        sent = server.app.requests_seen
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "--quick" in proc.args
    assert {statuses(report)[r] for r in REST_MUST - NEEDS_MORE} == {"PASS"}
    assert {statuses(report)[r] for r in NEEDS_MORE} == {"N/A"}
    assert sent <= report["coverage"]["coverage_set_requests"] <= planner.COVERAGE_BUDGET
    coverage = report["coverage"]
    assert all(n > 0 for values in coverage["enum_values"].values() for n in values.values()), coverage
    assert all(n > 0 for n in coverage["boundaries"].values()), coverage["boundaries"]
    assert coverage["encodings"]["form"] > 0 and coverage["encodings"]["json"] > 0
    assert {"200", "401", "404"} <= set(coverage["statuses"])
    assert all(r["requests"] >= 1 for r in report["requirements"] if r["id"] in REST_MUST)
    html = etree.HTML((tmp_path / "report.html").read_text())
    cells = html.findall(".//div[@id='coverage-matrix']//div[@data-rule]")
    assert len(cells) == len(report["requirements"])
    assert not html.findall(".//table[@id='coverage-values']//td[@class='gap']")


def test_with_everything_the_new_probes_need_the_quick_run_passes_them_and_the_matrix_shows_them(tmp_path):
    """Issue 19: --lifecycle, two conferences and a token without Voice: every life-cycle, Name-scope and
    token-scope rule PASS in the quick run, each in the coverage matrix, and the plan's cost says so."""
    from .conftest import suite_env_full

    issue19 = set(rules.LIFECYCLE_RULE_IDS) | NEEDS_MORE
    with running_emulator() as server:
        proc, report = run_suite(["--base-url", server.base_url, "--seed", "4"], suite_env_full(server), tmp_path)
        sent = server.app.requests_seen
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert {statuses(report)[r] for r in issue19} == {"PASS"}, statuses(report)
    assert sent <= report["coverage"]["coverage_set_requests"] <= planner.COVERAGE_BUDGET + 8 + 12
    html = etree.HTML((tmp_path / "report.html").read_text())
    assert issue19 <= {c.get("data-rule") for c in html.findall(".//div[@id='coverage-matrix']//div[@data-rule]")}


def test_dry_run_shows_the_plan_and_sends_nothing(tmp_path):
    with running_emulator() as server:
        before = server.app.requests_seen
        proc, report = run_suite(["--base-url", server.base_url, "--dry-run", "--max-examples", "1"],
                                 suite_env(server), tmp_path)
        assert server.app.requests_seen == before
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "plan: the coverage set, in order" in proc.stdout
    assert "rule url-scheme-wss" in proc.stdout and "probe a Name's life" in proc.stdout
    assert json.dumps(report["verdict"]).startswith('"DRY RUN')


def test_pairs_of_dimensions_find_what_neither_class_shows_alone(tmp_path):
    """The depth rounds end with pairs of classes (each Content-Type kind with a body at an extreme): a server
    that fails only the pair passes the coverage set, and fails the default run's first round."""
    from .broken_servers import SmallParserForTypedForms

    assert len(planner.pair_streams()) == 10
    with running_emulator(app=SmallParserForTypedForms()) as server:
        quick, quick_report = run_suite(["--base-url", server.base_url, "--seed", "3"], suite_env(server),
                                        tmp_path / "quick")
        deep, deep_report = run_suite(["--base-url", server.base_url, "--seed", "3", "--max-examples", "1"],
                                      suite_env(server), tmp_path / "deep")
    assert quick.returncode == 0 and statuses(quick_report)["accept-content-type-forms"] == "PASS"
    assert deep.returncode == 1 and statuses(deep_report)["accept-content-type-forms"] == "FAIL"
    example = next(r for r in deep_report["requirements"] if r["id"] == "accept-content-type-forms")["examples"][0]
    assert example["reason"].startswith("pair: Content-Type")
