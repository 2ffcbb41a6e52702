"""Three-valued positions: valid generators stay in must-accept space, open points are labelled and
judged by the universal rules only, every URL the suite sends is on a host nobody owns, and the
checks that read a body's meaning say what they expect."""

from __future__ import annotations

import json
import time
from email.utils import formatdate

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.checks import rest as checks
from conformance.contract import document as contract
from conformance.contract import model, rules
from conformance.emulator import running_emulator
from conformance.records.exchange import Exchange, Expectation
from conformance.report.redact import redact
from strategies import (
    AUTH_MATRIX,
    AUTH_MATRIX_JUDGED_BY,
    BOUNDARY_CLASS_IDS,
    OPEN_POINT_IDS,
    Derived,
    auth_matrix_cases,
    boundary_stream_requests,
    has_unowned_host,
    invalid_stream_requests,
    open_point_of,
    open_stream_requests,
    request_level_cases,
    stream_requests,
    unowned_hosts_reserved,
)

from .allowed_variants import RejectsQueryStrings
from .conftest import run_suite, suite_env

FAST = settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))


# --- the registry ----------------------------------------------------------------------------
def test_every_position_has_a_basis_and_a_known_judge():
    for entry in rules.POSITIONS.values():
        assert entry.title and entry.basis, entry.id
        assert entry.id not in rules.RULES, f"{entry.id} is both a rule and an input class"
        if entry.position is rules.Position.OPEN:
            assert entry.rule_id is None
        else:
            assert rules.get(entry.rule_id).rejects_with is None, entry.id  # a must-accept class


def test_architecture_open_items_are_open_points():
    for point in ("custom-param-zero", "custom-param-half-pair", "unknown-fields", "problem-order", "url-iri-host",
                  "url-query", "url-ip-literal", "url-localhost"):
        assert rules.open_point(point).position is rules.Position.OPEN
    with pytest.raises(KeyError, match="unknown open point"):
        rules.open_point("nope")


# --- generators: must-accept space only, on hosts nobody owns ----------------------------------------
@FAST
@given(stream_requests())
def test_valid_requests_are_in_must_accept_space(request):
    assert open_point_of(request.fields) is None, request.fields
    for field in ("Url", "StatusCallback"):
        if field in request.fields:
            url = request.fields[field]
            assert url.isascii() and "?" not in url and not has_unowned_host(url), url
            assert "localhost" not in url and "[" not in url


@FAST
@given(st.one_of(invalid_stream_requests(), request_level_cases(), open_stream_requests()))
def test_no_strategy_puts_an_owned_host_in_a_url(request):
    for field in ("Url", "StatusCallback"):
        value = request.fields.get(field)
        if isinstance(value, str):
            assert not has_unowned_host(value.strip()), value


@pytest.mark.parametrize("point", [p for p in OPEN_POINT_IDS if p not in AUTH_MATRIX_JUDGED_BY.values()])
def test_each_open_strategy_lands_in_its_open_point(point):
    seen = []

    @settings(max_examples=15, database=None, suppress_health_check=list(HealthCheck), phases=["generate"])
    @given(open_stream_requests(point))
    def collect(request):
        seen.append((request.open_point, request.rule_ids, open_point_of(request.fields)))

    collect()
    assert {(p, r) for p, r, _ in seen} == {(point, ())}
    classified = [c for _, _, c in seen]
    assert all(c is not None for c in classified), classified  # never taken for a valid body
    assert point in classified


def test_auth_matrix_positions():
    positions = {}
    for kind in AUTH_MATRIX:
        request = _first(auth_matrix_cases(kind))
        assert isinstance(request.authorization, Derived)
        positions[kind] = (request.rule_ids, request.open_point, request.accepted_by)
    assert positions["token-truncated"] == (("auth-near-miss",), None, None)
    assert positions["scheme-lower"] == ((), None, "auth-scheme-case")
    assert positions["space-tab"] == ((), "auth-odd-spacing", None)
    noise = "6e8bc430-9c3a-41d9-9669-0800200c9a66"
    headers = {kind: Derived(kind, noise).header("proj", "PTab12") for kind in AUTH_MATRIX}
    assert len(set(headers.values())) == len(headers)  # every near miss differs from the others
    assert "Basic cHJvajpQVGFiMTI=" not in headers.values()  # and from the real credentials


def test_boundary_requests_are_valid_and_keep_their_text():
    for class_id in BOUNDARY_CLASS_IDS:
        request = _first(boundary_stream_requests(class_id))
        assert request.is_valid and open_point_of(request.fields) is None, (class_id, request.fields)
    request = _first(boundary_stream_requests("text-form-specials"))
    assert request.fields["Name"] == "a+b %41 100%" and b"Name=a%2Bb+%2541+100%25" in request.to_form()


def test_name_prefix_keeps_the_boundary_a_test_chose():
    base = _first(stream_requests())
    assert base.with_fields({"Name": "x "}).with_name_prefix("p-").fields["Name"] == "p-x "
    empty = base.with_fields({"Name": ""})
    assert empty.with_name_prefix("p-").fields["Name"] == ""


def test_schemathesis_positive_model_is_in_must_accept_space():
    request = model.strict_document(positive=True)["components"]["schemas"]["CreateConferenceStreamRequest"]
    assert not [k for k in request["properties"] if k.startswith("Parameter")]  # no half pair can be drawn
    assert request["additionalProperties"] is False
    for pattern in (model.WSS_URL_PATTERN, model.CALLBACK_URL_PATTERN):
        assert "(example|test|invalid|" in pattern and r"\?" not in pattern


@pytest.mark.parametrize(("url", "expected"), [
    ("http://foo.com:80/a?b", "http://foo.com.invalid:80/a?b"), ("https://8.8.8.8/", "https://192.0.2.1/"),
    ("wss://a.example/x", "wss://a.example/x"), ("http://[2001:db8::5]/", "http://[2001:db8::5]/"),
    ("not a url", "not a url")])
def test_schemathesis_hosts_are_moved_to_reserved_ones(url, expected):
    assert unowned_hosts_reserved(url) == expected


@pytest.mark.parametrize(("fields", "point"), [
    ({"Url": "wss://a.example", "Parameter3.Name": "k"}, "custom-param-half-pair"),
    ({"Url": "wss://a.example", "Parameter0.Name": "k", "Parameter0.Value": "v"}, "custom-param-zero"),
    ({"Url": "wss://a.example", "Foo": "1"}, "unknown-fields"),
    ({"Url": "wss://münchen.example"}, "url-iri-host"),
    ({"Url": "wss://a.example/?q=1"}, "url-query"),
    ({"Url": "wss://192.0.2.1/"}, "url-ip-literal"),
    ({"Url": "wss://localhost/"}, "url-localhost"),
    ({"Url": "wss://a.example", "Name": "a\x00"}, "text-control-chars"),
    ({"Url": "wss://a.example", "Name": "x "}, "text-edge-whitespace"),
    ({"Url": "wss://a.example", "AuthorizationBearerToken": ""}, "text-empty"),
    ({"Url": "wss://a.example", "AuthorizationBearerToken": "a b"}, "bearer-not-token68"),
    ({"Url": "wss://a.example", "Name": "x" * 300}, "text-very-long"),
    ({"Url": "wss://xn--mnchen-3ya.example", "Name": "a b", "Parameter1.Name": "k", "Parameter1.Value": ""}, None),
])
def test_open_point_of(fields, point):
    assert open_point_of(fields) == point


# --- checks on the meaning of bodies -------------------------------------------------------------
BASE = "http://127.0.0.1:1/api/laml/2010-04-01"
ACCOUNT, CONFERENCE, SID = ("6e8bc430-9c3a-41d9-9669-0800200c9a66", "0b6d6a7e-3f2b-4b8e-9d1e-2a4f5c6b7d8e",
                            "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f")


def _exchange(status: int, body: dict, kind: str = "valid", rule_ids=()) -> Exchange:
    url = f"{BASE}/Accounts/{ACCOUNT}/Conferences/{CONFERENCE}/Streams"
    return Exchange(Expectation(kind, rule_ids), "POST", url, {"AccountSid": ACCOUNT, "ConferenceSid": CONFERENCE},
                    {}, b"", "application/x-www-form-urlencoded", {"Url": "wss://a.example"}, status,
                    {"content-type": "application/json"}, json.dumps(body).encode(), 0.01)


def _ok(**changes) -> dict:
    return {"account_sid": ACCOUNT, "conference_sid": CONFERENCE, "date_updated": formatdate(usegmt=True),
            "name": None, "sid": SID, "status": "queued",
            "uri": f"/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONFERENCE}/Streams/{SID}.json", **changes}


CTX = checks.CheckContext(secrets=("PTsecret",), seen_sids=set())
STREAM = f"/Accounts/{ACCOUNT}/Conferences/{CONFERENCE}/Streams/{SID}"


@pytest.mark.parametrize(("uri", "passes"), [
    (f"/api/laml/2010-04-01{STREAM}.json", True), (f"/api/laml/2010-04-01{STREAM}", True),
    (f"/2010-04-01{STREAM}.json", True), (f"https://vendor.example/api/laml/2010-04-01{STREAM}", True),
    (f"{STREAM}.json", True), (f"/v1{STREAM}.json", False), (f"/api/laml/2010-04-01{STREAM}.xml", False),
    (f"/api/laml/2010-04-01{STREAM.replace(ACCOUNT, CONFERENCE)}.json", False), (f"/Streams/{SID}.json", False),
    (f"/api/laml/2010-04-01{STREAM}.json?x=1", False), (f"ftp://h{STREAM}", False), (f"/laml/2010-04-01{STREAM}", True),
    (f"/aml/2010-04-01{STREAM}", False),
])
def test_uri_stream_path(uri, passes):
    outcome = checks.uri_stream_path(_exchange(200, _ok(uri=uri)), CTX)
    assert (outcome == checks.PASS) is passes, outcome


@pytest.mark.parametrize(("offset", "passes"), [(0, True), (-600, True), (600, True), (-3600 * 24 * 365 * 5, False),
                                                (3 * 3600, False), (-3 * 3600, False)])
def test_date_current(offset, passes):
    outcome = checks.date_current(_exchange(200, _ok(date_updated=formatdate(time.time() + offset, usegmt=True))), CTX)
    assert (outcome == checks.PASS) is passes, outcome
    if not passes:
        assert "15 min" in outcome.expected and "h " in outcome.got


def test_error_body_meaning():
    good = {"code": 20003, "message": "no", "more_info": "https://docs.example/e", "status": 401}
    assert checks.error_status_matches(_exchange(401, good), CTX) == checks.PASS
    assert isinstance(checks.error_status_matches(_exchange(404, good), CTX), checks.Failed)
    assert checks.error_fields_meaningful(_exchange(401, good), CTX) == checks.PASS
    assert checks.error_fields_meaningful(_exchange(401, {**good, "more_info": "/docs/20003"}), CTX) == checks.PASS
    for bad in ({"message": " "}, {"more_info": ""}, {"more_info": "see docs"}, {"more_info": "mailto:a@b.example"}):
        assert isinstance(checks.error_fields_meaningful(_exchange(401, {**good, **bad}), CTX), checks.Failed), bad
    assert isinstance(checks.error_fields_meaningful(_exchange(422, {"errors": ["ok", ""]}), CTX), checks.Failed)
    assert checks.error_fields_meaningful(_exchange(422, {"errors": ["Url is required"]}), CTX) == checks.PASS


def test_open_exchange_is_judged_by_universal_rules_and_a_200_body_still_counts():
    open_200 = _exchange(200, _ok(name="wrong"), kind="open", rule_ids=("text-edge-whitespace",))
    open_200.sent_fields = {"Url": "wss://a.example", "Name": "x "}
    results = dict(checks.evaluate(open_200, checks.CheckContext(secrets=(), seen_sids=set())))
    assert "accept-valid-form" not in results and "text-edge-whitespace" not in results
    assert isinstance(results["echo-name"], checks.Failed)  # a 200 body must still be right
    rejected = dict(checks.evaluate(_exchange(422, {"errors": ["no"]}, kind="open", rule_ids=("url-query",)), CTX))
    assert set(rejected) >= {"status-documented", "response-schema", "no-server-error"}
    assert all(outcome == checks.PASS for outcome in rejected.values())


def test_derived_credentials_never_reach_a_report():
    token = "PT0123456789abcdef0123456789abcdef"
    for kind in AUTH_MATRIX:
        header = Derived(kind, "6e8bc430-9c3a-41d9-9669-0800200c9a66").header("proj", token)
        ex = _exchange(200, _ok())
        ex.request_headers = {"Authorization": header}
        safe = redact(ex, secrets=(token, "x"), basic_header="Basic other")
        for piece in (token, token[:-1], token[:12], token.swapcase()[:12]):
            assert piece not in safe.authorization and piece not in safe.curl, (kind, safe.authorization)


# --- a run: open points are information, never failures ---------------------------------------------
def test_open_points_are_reported_as_information(tmp_path):
    with running_emulator(app=RejectsQueryStrings()) as server:
        proc, report = run_suite(["--base-url", server.base_url, "--max-examples", "4", "--seed", "2"],
                                 suite_env(server), tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    touched = {p["id"]: p["statuses"] for p in report["open_points"]}
    assert set(touched["url-query"]) == {"422"}, touched  # every query-string request, and only 422s
    assert "open points touched (either answer conforms; information, not failures):" in proc.stdout
    assert "url-query" in proc.stdout.split("open points touched")[1]
    html = (tmp_path / "report.html").read_text()
    assert 'id="open-points"' in html and 'data-open="url-query"' in html


def _first(strategy):
    found = []

    @settings(max_examples=1, database=None, suppress_health_check=list(HealthCheck), phases=["generate"])
    @given(strategy)
    def collect(value):
        found.append(value)

    collect()
    return found[0]


def test_auth_error_code_takes_10004_only_for_another_accounts_sid():
    """error-codes.mdx 10004 ("The subproject ID passed does not belong to the project used to authenticate the
    request") is SignalWire's code for a foreign AccountSid; any other 401 still wants 20003."""
    body = {"code": 10004, "message": "no", "more_info": "https://docs.example/e", "status": 401}
    foreign = _exchange(401, body, kind="invalid", rule_ids=("account-foreign",))
    assert checks.auth_error_code(foreign, CTX) == checks.PASS
    bad_token = _exchange(401, body, kind="invalid", rule_ids=("auth-wrong-token",))
    assert isinstance(checks.auth_error_code(bad_token, CTX), checks.Failed)
    other = _exchange(401, {**body, "code": 21220}, kind="invalid", rule_ids=("account-foreign",))
    assert isinstance(checks.auth_error_code(other, CTX), checks.Failed)
# --- faithful to the real service (issue 19) ---------------------------------------------------------------
def test_name_may_be_the_streams_sid_when_no_name_was_sent():
    for name, passes in ((SID, True), (None, True), ("", True), ("9f1c2d3e-0000-4c6d-8e7f-0a1b2c3d4e5f", False),
                         ("stream", False)):
        ex = _exchange(200, _ok(name=name))
        assert (checks.echo_name(ex, CTX) == checks.PASS) is passes, (name, checks.echo_name(ex, CTX))
    sent = _exchange(200, _ok(name=SID))
    sent.sent_fields = {"Url": "wss://a.example", "Name": "mine"}
    assert isinstance(checks.echo_name(sent, CTX), checks.Failed)  # a Name sent must come back as sent


@pytest.mark.parametrize(("status", "passes"), [(400, True), (401, True), (404, True), (403, False), (200, False)])
def test_foreign_account_is_refused_with_a_documented_4xx(status, passes):
    body = {"code": 10004, "message": "no", "more_info": "https://docs.example/e", "status": status}
    ex = _exchange(status, body, kind="invalid", rule_ids=("account-foreign",))
    rule_id, outcome = checks.expected_status(ex, CTX)
    assert rule_id == "account-foreign" and (outcome == checks.PASS) is passes, outcome


def test_foreign_account_codes_10004_is_signalwires_own():
    body = {"code": 10004, "message": "no", "more_info": "https://docs.example/e", "status": 404}
    assert checks.not_found_error_code(_exchange(404, body, kind="invalid", rule_ids=("account-foreign",)),
                                       CTX) == checks.PASS
    assert isinstance(checks.not_found_error_code(_exchange(404, body, kind="invalid",
                                                            rule_ids=("conference-unknown",)), CTX), checks.Failed)


def test_the_documents_sept_example_is_an_rfc2822_date():
    assert checks.date_rfc2822(_exchange(200, _ok(date_updated="Tue, 25 Sept 2018 20:00:00 +0000")), CTX) == checks.PASS
    assert isinstance(checks.date_rfc2822(_exchange(200, _ok(date_updated="Tue, 25 Sepp 2018 20:00:00 +0000")), CTX),
                      checks.Failed)


def test_a_422_in_either_streams_endpoints_shape_matches_the_schema():
    shaped = {"code": 21602, "message": "Url is required", "more_info": "https://docs.example/e", "status": 422}
    assert checks.response_schema(_exchange(422, shaped), CTX) == checks.PASS
    assert checks.response_schema(_exchange(422, {"errors": ["Url is required"]}), CTX) == checks.PASS
    assert isinstance(checks.response_schema(_exchange(422, {"message": "no"}), CTX), checks.Failed)
    assert isinstance(checks.error_status_matches(_exchange(422, {**shaped, "status": 400}), CTX), checks.Failed)


def test_whitespace_around_an_enum_value_is_the_should_rule_not_the_must_one():
    members = {f: {m.casefold() for m in contract.enum_values(f)} for f in contract.ENUM_FIELDS}

    @FAST
    @given(st.one_of(invalid_stream_requests("track-enum"), invalid_stream_requests("codec-enum"),
                     invalid_stream_requests("callback-method-enum")))
    def must_rules_never_send_a_near_miss(request):
        field = {"track-enum": "Track", "codec-enum": "StreamCodec",
                 "callback-method-enum": "StatusCallbackMethod"}[request.rule_ids[0]]
        value = request.fields.get(field)
        assert isinstance(value, str) and value.strip().casefold() not in members[field], value

    @FAST
    @given(invalid_stream_requests("enum-whitespace"))
    def should_rule_sends_only_padded_members(request):
        padded = [f for f in contract.ENUM_FIELDS if isinstance(request.fields.get(f), str)
                  and request.fields[f] != request.fields[f].strip()]
        assert len(padded) == 1 and request.fields[padded[0]].strip() in contract.enum_values(padded[0])

    must_rules_never_send_a_near_miss()
    should_rule_sends_only_padded_members()
    assert rules.get("enum-whitespace").level is rules.Level.SHOULD


@pytest.mark.parametrize(("codec", "status", "judged"), [("PCMA", 422, None), ("L16", 400, None), ("PCMU", 422, False),
                                                         ("L16@16000h", 422, False), ("PCMA", 200, True)])
def test_a_codec_the_stream_page_does_not_list_may_be_refused(codec, status, judged):
    body = _ok() if status == 200 else {"errors": ["not enabled"]}
    ex = _exchange(status, body)
    ex.sent_fields = {"Url": "wss://a.example", "StreamCodec": codec}
    labelled = checks.expected_status(ex, CTX)
    if judged is None:
        assert labelled is None
    else:
        assert labelled[0] == "accept-valid-form" and (labelled[1] == checks.PASS) is judged, labelled
