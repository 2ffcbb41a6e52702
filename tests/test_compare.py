"""`conformance compare A B`: one plan against two targets, every difference labelled, each label both ways.

The sides are the embedded emulator, the emulator started with switches (`emulator:SWITCHES`), the
allowed variants and broken servers of the suite's self-tests, and a config-file target. Each
label is shown with the odd server as B (the side under test) and as A (the reference), and a pair
that does not differ reports nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import requests

from conformance.cli.embedded import embedded_starter
from conformance.contract import rules
from conformance.emulator import EmulatorSettings, running_emulator
from conformance.records.kinds import DifferenceLabel, ExitStatus
from conformance.records.settings import RunSettings
from conformance.report.compare import compare, request_key
from conformance.report.compare_report import html_page, report_dict
from conformance.run.pair import run_side
from conformance.run.target import emulator_target

from . import allowed_variants as allowed
from . import broken_servers as broken
from .conftest import _in_process

SCHEMA = json.loads((Path(__file__).parents[1] / "conformance" / "report" / "schemas" / "compare.schema.json")
                    .read_text(encoding="utf-8"))
SEED = 11
SWITCHED = "emulator:reject_query_urls,wrong_status_for_missing_url=200"


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}
    env.update(extra)
    return env


def _compare(tmp_path: Path, *args: str, env: dict | None = None, quick: bool = True):
    argv = ["compare", *args, "--report-dir", str(tmp_path / "reports"), "--seed", str(SEED)]
    argv += ["--quick"] if quick else []
    proc = _in_process(argv, env or _env())
    path = tmp_path / "reports" / "compare.json"
    report = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    if report is not None:
        jsonschema.Draft202012Validator(SCHEMA).validate(report)
    return proc, report


def _groups(report: dict) -> set[tuple]:
    return {(g["label"], g["side"], g["subject"]) for g in report["groups"]}


# --- through the command -----------------------------------------------------------------------------
def test_emulator_against_emulator_is_clean(tmp_path):
    proc, report = _compare(tmp_path, "emulator", "emulator")
    assert proc.returncode == ExitStatus.OK, proc.stdout[-2000:] + proc.stderr
    assert report["requests_compared"] >= 60 and report["identical"] == report["requests_compared"]
    assert report["differing"] == 0 and report["counts"] == {} and report["groups"] == []
    assert report["only"] == {"A": 0, "B": 0}
    assert "SAME: a client could not tell the two apart" in proc.stdout
    assert (tmp_path / "reports" / "compare.html").exists()
    assert (tmp_path / "reports" / "a-emulator" / "results.json").exists()
    assert (tmp_path / "reports" / "b-emulator" / "results.json").exists()


def test_a_switched_emulator_shows_an_open_point_and_a_failure_with_their_labels(tmp_path):
    proc, report = _compare(tmp_path, "emulator", SWITCHED)
    assert proc.returncode == ExitStatus.FAILED, proc.stdout[-3000:] + proc.stderr
    groups = _groups(report)
    assert ("conformance failure", "B", "url-required") in groups
    assert ("open point", None, "url-query") in groups
    # a body without Url is also what Schemathesis's negative case sends: the same defect, its rule
    assert {s for label, side, s in groups if label == "conformance failure"} <= {"url-required",
                                                                                  "schema-negative-rejected"}
    assert {label for label, _, _ in groups} == {"conformance failure", "open point"}
    assert "conformance failure of B: url-required" in proc.stdout and "open point: url-query" in proc.stdout
    assert "DIFFERENT:" in proc.stdout
    url_required = next(g for g in report["groups"] if g["subject"] == "url-required")
    assert url_required["answer"]["A"].startswith("422") and url_required["answer"]["B"].startswith("200")
    assert url_required["curl"]["A"].startswith("curl ") and url_required["curl"]["B"].startswith("curl ")


def test_the_labels_hold_the_other_way_round(tmp_path):
    """The odd emulator as A, the reference: its failure is A's, which does not fail a comparison whose
    side under test is B; with --reference B it does."""
    proc, report = _compare(tmp_path / "one", SWITCHED, "emulator")
    assert proc.returncode == ExitStatus.OK, proc.stdout[-3000:]
    groups = _groups(report)
    assert ("conformance failure", "A", "url-required") in groups and ("open point", None, "url-query") in groups
    assert not any(side == "B" for _, side, _ in groups)
    proc, report = _compare(tmp_path / "two", SWITCHED, "emulator", "--reference", "B")
    assert proc.returncode == ExitStatus.FAILED and report["under_test"] == "A"


def test_an_open_point_alone_does_not_fail(tmp_path):
    proc, report = _compare(tmp_path, "emulator", "emulator:reject_query_urls")
    assert proc.returncode == ExitStatus.OK, proc.stdout[-3000:]
    assert _groups(report) == {("open point", None, "url-query")}
    assert "COMPATIBLE WITH DIFFERENCES" in proc.stdout


def test_a_server_error_is_a_failure_of_two_rules(tmp_path):
    proc, report = _compare(tmp_path, "emulator", "emulator:wrong_status_for_missing_url=500")
    assert proc.returncode == ExitStatus.FAILED
    subjects = {s for label, side, s in _groups(report) if label == "conformance failure" and side == "B"}
    assert "no-server-error,url-required" in subjects, subjects


def test_a_waived_failure_is_shown_and_does_not_fail(tmp_path):
    waivers = tmp_path / "waivers.toml"
    waivers.write_text("".join(f'[[waiver]]\nrule = "{rule}"\nreason = "known"\nexpires = 2099-01-01\n\n'
                               for rule in ("url-required", "schema-negative-rejected")), encoding="utf-8")
    proc, report = _compare(tmp_path, "emulator", "emulator:wrong_status_for_missing_url=200",
                            "--waivers", str(waivers))
    assert proc.returncode == ExitStatus.OK, proc.stdout[-2000:]
    assert ("conformance failure", "B", "url-required") in _groups(report)
    assert "waived failure(s) of B" in proc.stdout


def test_dry_run_prints_the_same_requests_for_both_sides(tmp_path):
    proc, report = _compare(tmp_path, "emulator", SWITCHED, "--dry-run")
    assert proc.returncode == ExitStatus.OK, proc.stdout[-2000:] + proc.stderr
    assert report is None  # nothing was sent, nothing is reported
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"dry run, seed {SEED}:") and lines[0].endswith("the same after mapping: yes")
    same = [line for line in lines if line.lstrip().split(" ", 2)[1:2] == ["="]]
    differ = [line for line in lines if line.lstrip().split(" ", 2)[1:2] == ["!"]]
    assert len(same) >= 60 and differ == []
    assert sum(" B: POST " in line for line in lines) == len(same)


# --- bad input: one line, exit 2 -----------------------------------------------------------------------
def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conformance.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("args", "says"), [
    (["emulator", "nowhere"], "unknown target 'nowhere'"),
    (["staging", "staging"], "'staging' twice"),
    (["emulator", "emulator:no_such_switch"], "unknown emulator switch 'no_such_switch'"),
    (["emulator", "emulator:wrong_status_for_missing_url=404"], "wrong_status_for_missing_url is 200 or 500"),
    (["emulator", "emulator:wrong_status_for_missing_url=x"], "bad value 'x'"),
    (["emulator", "emulator", "--config", "/nonexistent/conformance.toml"], "no file at"),
    (["emulator", "emulator", "--reference", "C"], "invalid choice"),
    (["emulator"], "required: B"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, says):
    config = _config(tmp_path, '[targets.staging]\nbase_url = "http://127.0.0.1:9/api/laml/2010-04-01"\n'
                               'project_id = "p"\napi_token = "t"\nconference_sid = ["6e8bc430-9c3a-41d9-9669-'
                               '0800200c9a66"]\n')
    if "--config" not in args:
        args = [*args, "--config", str(config)]
    proc, report = _compare(tmp_path, *args)
    assert proc.returncode == ExitStatus.NOT_MADE, proc.stdout + proc.stderr
    assert says in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert report is None


def test_a_side_that_cannot_be_run_is_exit_2(tmp_path):
    config = _config(tmp_path, '[targets.gone]\nbase_url = "http://127.0.0.1:9/api/laml/2010-04-01"\n'
                               'project_id = "p"\napi_token = "${GONE_TOKEN}"\n'
                               'conference_sid = ["6e8bc430-9c3a-41d9-9669-0800200c9a66"]\n')
    proc, _ = _compare(tmp_path, "emulator", "gone", "--config", str(config), env=_env(GONE_TOKEN="secret-gone"))
    assert proc.returncode == ExitStatus.NOT_MADE, proc.stdout[-2000:] + proc.stderr
    assert "side B (gone) could not be run" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_config_target_is_a_side_with_its_own_credentials(tmp_path):
    """A named target (here an emulator that answers 400 where the reference answers 422): its Runs's
    credentials come from its table, its differences are allowed either way, and no token is written."""
    with running_emulator(app=allowed.Validation400()) as server:
        config = _config(tmp_path, f'[targets.vendor]\nbase_url = "{server.base_url}"\n'
                                   f'project_id = "{server.project_id}"\napi_token = "${{VENDOR_TOKEN}}"\n'
                                   f'conference_sid = ["{server.conference_sid}"]\n')
        proc, report = _compare(tmp_path, "emulator", "vendor", "--config", str(config),
                                env=_env(VENDOR_TOKEN=server.api_token))
    assert proc.returncode == ExitStatus.OK, proc.stdout[-3000:] + proc.stderr
    assert report["sides"]["B"]["name"] == "vendor" and not report["sides"]["B"]["embedded_emulator"]
    assert {label for label, _, _ in _groups(report)} == {"allowed either way"}
    written = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "reports").glob("compare.*"))
    assert server.api_token not in written and server.api_token not in proc.stdout


def test_a_config_target_can_be_an_emulator_started_with_switches(tmp_path):
    """`conformance emulate --switches` serves a switched emulator that a config-file target names."""
    # as long as a generated token: the two sides' base64 credentials then pad alike (auth-base64-variants)
    token, project, conference = "PT" + "5" * 48, "0c7b5a2e-1d3f-4e5a-9b6c-7d8e9f0a1b2c", \
        "6e8bc430-9c3a-41d9-9669-0800200c9a66"
    server = subprocess.Popen(
        [sys.executable, "-m", "conformance", "emulate", "--port", "0", "--conference-sid", conference,
         "--switches", "reject_query_urls"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_env(SIGNALWIRE_PROJECT_ID=project, SIGNALWIRE_API_TOKEN=token))
    try:
        base_url = server.stdout.readline().split()[-1]
        assert base_url.startswith("http://127.0.0.1:"), base_url
        config = _config(tmp_path, f'[targets.switched]\nbase_url = "{base_url}"\nproject_id = "{project}"\n'
                                   f'api_token = "${{SWITCHED_TOKEN}}"\nconference_sid = ["{conference}"]\n')
        proc, report = _compare(tmp_path, "emulator", "switched", "--config", str(config),
                                env=_env(SWITCHED_TOKEN=token))
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert proc.returncode == ExitStatus.OK, proc.stdout[-2000:] + proc.stderr
    assert _groups(report) == {("open point", None, "url-query")}


def test_emulate_refuses_an_unknown_switch_in_one_line():
    proc = subprocess.run([sys.executable, "-m", "conformance", "emulate", "--port", "0", "--switches", "nope"],
                          capture_output=True, text=True, timeout=60, env=_env())
    assert proc.returncode == ExitStatus.NOT_MADE and "unknown emulator switch 'nope'" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


# --- the comparison itself, with the self-tests' variants on either side --------------------------------
def _starter(app_class):
    def start(closer, receivers):
        return emulator_target(closer.enter_context(running_emulator(app=app_class())))

    return start


def _side(tmp_path: Path, key: str, app_class=None, seed: int = SEED):
    settings = RunSettings(seed=seed, quick=True, report_dir=str(tmp_path / key))
    start = embedded_starter() if app_class is None else _starter(app_class)
    side = run_side(key, settings, start_emulator=start)
    assert side.problem is None, side.problem
    return side


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return _side(tmp_path_factory.mktemp("reference"), "A")


CASES = [
    (broken.NoAuth, DifferenceLabel.FAILURE, {"auth-missing"}),
    (broken.DuplicateNamesAllowed, DifferenceLabel.FAILURE, {"name-unique", "name-unique-concurrent"}),
    (allowed.RejectsQueryStrings, DifferenceLabel.OPEN_POINT, {"url-query"}),
    (allowed.Validation400, DifferenceLabel.FREEDOM, None),
    (allowed.DatePlusZero, DifferenceLabel.FREEDOM, {"date-rfc2822"}),
    (allowed.StatusInProgress, DifferenceLabel.FREEDOM, {"status-new"}),
    (allowed.ExtraFieldsIn200, DifferenceLabel.UNCOVERED, None),
    (allowed.CharsetParameter, None, set()),  # a media type with a charset is the same media type: no difference
]


@pytest.mark.parametrize(("app_class", "label", "subjects"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_label_both_ways(tmp_path, reference, app_class, label, subjects):
    odd = _side(tmp_path, "B", app_class)
    for a, b, odd_key in ((reference, odd, "B"), (odd, reference, "A")):
        comparison = compare(a.side(), b.side())
        assert comparison.only == (0, 0)
        found = {d.label for d in comparison.differences}
        assert found == ({label} if label else set()), (app_class.__name__, comparison.counts())
        if subjects is not None:
            assert {d.subject for d in comparison.differences} == subjects
        if label is DifferenceLabel.FAILURE:
            assert {d.side for d in comparison.differences} == {odd_key}
            must = any(rules.get(r).level is rules.Level.MUST for r in subjects)  # a SHOULD warns, as in a run
            assert bool(comparison.failures_under_test) == (odd_key == "B" and must)
        else:
            assert comparison.failures_under_test == []
        report = report_dict(comparison)
        jsonschema.Draft202012Validator(SCHEMA).validate(report)
        page = html_page(report)
        assert all(d.label in page for d in comparison.differences)
        for secret in (*a.mapped.secrets, *b.mapped.secrets):
            assert secret not in json.dumps(report) and secret not in page


def test_the_same_seed_sends_the_same_requests_on_both_sides(tmp_path, reference):
    """Reproducible: every request of a second run with the seed pairs with the first's, in order, once its
    identities are mapped; another seed draws other requests."""
    again = _side(tmp_path, "again")
    keys = [[request_key(j.exchange, s.mapped) for j in s.judged] for s in (reference, again)]
    assert keys[0] == keys[1] and len(keys[0]) >= 60
    other = _side(tmp_path, "other", seed=SEED + 1)
    assert [request_key(j.exchange, other.mapped) for j in other.judged] != keys[0]


# --- the emulator's switches ------------------------------------------------------------------------------
def test_the_switches_change_what_they_say_and_nothing_else():
    with pytest.raises(ValueError, match="200 or 500"):
        EmulatorSettings(wrong_status_for_missing_url=404)
    switched = EmulatorSettings(reject_query_urls=True, wrong_status_for_missing_url=200)
    with running_emulator(switched) as server:
        session = requests.Session()
        session.auth = server.auth

        def post(data):
            return session.post(server.streams_url, data=data, timeout=10)

        assert post({"Url": "wss://media.example.com/s?x=1"}).status_code == 422
        assert post({}).status_code == 200  # created without a Url: the rule it breaks on purpose
        assert post({"Url": "wss://media.example.com/s"}).status_code == 200
        assert post({"Url": "ws://media.example.com/s"}).status_code == 422


# --- the pytest door --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("sides", "code", "says"), [
    ("emulator,emulator", 0, "SAME"),
    ("emulator,emulator:wrong_status_for_missing_url=200+reject_query_urls", 1, "url-required"),
])
def test_the_pytest_case_compares_too(tmp_path, sides, code, says):
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--pyargs", "conformance.cases.compare", "-p", "no:cacheprovider", "-q",
         "-s", "--conformance-compare", sides, "--conformance-quick", "--conformance-seed", str(SEED),
         "--conformance-report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, env=_env(), cwd=tmp_path)
    assert proc.returncode == code, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert says in proc.stdout
    assert (tmp_path / "compare.json").exists()
