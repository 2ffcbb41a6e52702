"""The emulator over real HTTP: every row of ARCHITECTURE.md's decision table, and hostile input."""

from __future__ import annotations

import base64
import email.utils
import json
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests

from conformance.contract import document as contract
from conformance.emulator import running_emulator

VALID = {"Url": "wss://media.example.com/stream"}


def _post(http, url, **kwargs):
    return http.post(url, timeout=10, **kwargs)


def _assert_error(response, status, code=None):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert contract.response_errors(status, response.json()) == []
    if code is not None:
        assert response.json()["code"] == code


# --- success ---------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["data", "json"])
def test_create_returns_every_documented_field(http, emulator, encoding):
    response = _post(http, emulator.streams_url, **{encoding: {**VALID, "Name": f"n-{encoding}"}})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert contract.response_errors(200, body) == []
    assert body["account_sid"] == emulator.account_sid
    assert body["conference_sid"] == emulator.conference_sid
    assert body["name"] == f"n-{encoding}"
    assert body["status"] in ("queued", "in-progress")
    assert body["uri"].endswith(body["sid"] + ".json")
    assert uuid.UUID(body["sid"]).version == 4
    parsed = email.utils.parsedate_to_datetime(body["date_updated"])
    assert body["date_updated"].endswith("GMT") and parsed.utcoffset().total_seconds() == 0


def test_name_is_null_when_not_sent_and_sids_are_fresh(http, emulator):
    bodies = [_post(http, emulator.streams_url, data=VALID).json() for _ in range(3)]
    assert [b["name"] for b in bodies] == [None, None, None]
    assert len({b["sid"] for b in bodies}) == 3


def test_json_suffix_and_all_fields(http, emulator):
    fields = {**VALID, "Name": "all fields ✓", "Track": "inbound_track", "StatusCallback": "https://cb.example.com/x",
              "StatusCallbackMethod": "GET", "StreamCodec": "L16@24000h", "StreamRealTime": "true",
              "AuthorizationBearerToken": "bt_secret_bearer_value", "Parameter99.Name": "last",
              "Parameter99.Value": ""}
    response = _post(http, emulator.streams_url + ".json", data=fields)
    assert response.status_code == 200, response.text
    assert "bt_secret_bearer_value" not in response.text


# --- validation: 422 with one readable message per problem ------------------------------------
INVALID_BODIES = [
    ({}, "Url is required"),
    ({"Url": ""}, "Url is required"),
    ({"Url": "ws://media.example.com/"}, "Url must use wss"),
    ({"Url": "https://media.example.com/"}, "Url must use wss"),
    ({"Url": "/relative/path"}, "Url must be an absolute URL"),
    ({"Url": "wss:///path"}, "Url must have a host"),
    ({"Url": "wss://:443/path"}, "Url must have a host"),
    ({"Url": " wss://media.example.com/"}, "Url must not contain whitespace"),
    ({"Url": "wss://media.example.com/ "}, "Url must not contain whitespace"),
    ({"Url": "wss://media.exa mple.com/"}, "Url must not contain whitespace"),
    ({"Url": "not a url"}, "Url must not contain whitespace"),
    ({"Url": "wss://host:99999/"}, "Url is not a valid URL"),
    ({**VALID, "Track": "both"}, "Track must be one of"),
    ({**VALID, "Track": "BOTH_TRACKS"}, "Track must be one of"),
    ({**VALID, "StatusCallbackMethod": "PUT"}, "StatusCallbackMethod must be one of"),
    ({**VALID, "StatusCallbackMethod": "post"}, "StatusCallbackMethod must be one of"),
    ({**VALID, "StreamCodec": "OPUS"}, "StreamCodec must be one of"),
    ({**VALID, "StatusCallback": "ftp://x.example.com/"}, "StatusCallback must use https or http"),
    ({**VALID, "StatusCallback": "/cb"}, "StatusCallback must be an absolute URL"),
    ({**VALID, "StreamRealTime": "yes"}, "StreamRealTime must be true or false"),
    ({**VALID, "StreamRealTime": "True"}, "StreamRealTime must be true or false"),
    ({**VALID, "Parameter100.Name": "a", "Parameter100.Value": "b"}, "custom parameters are numbered 1 to 99"),
]


@pytest.mark.parametrize("encoding", ["data", "json"])
@pytest.mark.parametrize(("fields", "message"), INVALID_BODIES, ids=[m + repr(f)[:30] for f, m in INVALID_BODIES])
def test_each_rule_is_a_422_with_a_message(http, emulator, encoding, fields, message):
    response = _post(http, emulator.streams_url, **{encoding: fields})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/json"
    errors = response.json()["errors"]
    assert errors and any(e.startswith(message) for e in errors), errors


def test_every_problem_is_listed(http, emulator):
    response = _post(http, emulator.streams_url, data={"Url": "ws://x.example.com", "Track": "x", "StreamCodec": "y"})
    assert len(response.json()["errors"]) == 3


def test_custom_parameters_up_to_99_accepted(http, emulator):
    fields = {**VALID}
    for i in range(1, 100):
        fields[f"Parameter{i}.Name"], fields[f"Parameter{i}.Value"] = f"n{i}", f"v{i}"
    assert _post(http, emulator.streams_url, data=fields).status_code == 200
    fields["Parameter100.Name"], fields["Parameter100.Value"] = "n100", "v100"
    assert _post(http, emulator.streams_url, data=fields).status_code == 422


@pytest.mark.parametrize("value", [True, False, "true", "false"])
def test_json_booleans(http, emulator, value):
    assert _post(http, emulator.streams_url, json={**VALID, "StreamRealTime": value}).status_code == 200


@pytest.mark.parametrize("value", [1, None, [], {"a": 1}])
def test_json_non_string_values_rejected(http, emulator, value):
    assert _post(http, emulator.streams_url, json={**VALID, "Track": value}).status_code in (400, 422)


# --- auth, account, conference -----------------------------------------------------------------
def _basic(user, token):
    return "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()


AUTH_CASES = {
    "missing": None,
    "wrong token": lambda e: _basic(e.project_id, "PTwrong"),
    "wrong user": lambda e: _basic(str(uuid.uuid4()), e.api_token),
    "bearer": lambda e: "Bearer " + e.api_token,
    "bad base64": lambda e: "Basic !!!!",
    "no colon": lambda e: "Basic " + base64.b64encode(e.project_id.encode()).decode(),
    "empty": lambda e: "",
}


@pytest.mark.parametrize("case", list(AUTH_CASES))
def test_bad_credentials_are_401(emulator, case):
    header = AUTH_CASES[case]
    headers = {} if header is None else {"Authorization": header(emulator)}
    response = requests.post(emulator.streams_url, data=VALID, headers=headers, timeout=10)
    _assert_error(response, 401, 20003)
    assert emulator.api_token not in response.text


def test_lowercase_basic_scheme_is_accepted(emulator):
    header = _basic(emulator.project_id, emulator.api_token).replace("Basic", "basic")
    response = requests.post(emulator.streams_url, data=VALID, headers={"Authorization": header}, timeout=10)
    assert response.status_code == 200


def test_foreign_account_is_401_with_10004(http, emulator):
    url = emulator.streams_url.replace(emulator.account_sid, str(uuid.uuid4()))
    _assert_error(_post(http, url, data=VALID), 401, 10004)


@pytest.mark.parametrize("conference", ["0b5e3a52-91c4-4d8e-8f0a-3c1f7e2b9d60", "not-a-uuid", "CF" + "0" * 32, "123"])
def test_unknown_or_malformed_conference_is_404(http, emulator, conference):
    url = emulator.streams_url.replace(emulator.conference_sid, conference)
    _assert_error(_post(http, url, data=VALID), 404, 20404)


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/Streams", 405), ("DELETE", "/Streams", 405), ("PUT", "/Streams", 405),
    ("POST", "/Nope", 404), ("GET", "/", 404),
])
def test_other_paths_and_methods_use_the_error_shape(http, emulator, method, path, status):
    url = emulator.streams_url.rsplit("/Streams", 1)[0] + path if path != "/" else emulator.base_url + "/"
    response = http.request(method, url, timeout=10)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"code", "message", "more_info", "status"}


# --- names and the stop update --------------------------------------------------------------
def test_duplicate_name_rejected_until_stopped(http, emulator):
    first = _post(http, emulator.streams_url, data={**VALID, "Name": "dup"})
    assert first.status_code == 200
    second = _post(http, emulator.streams_url, data={**VALID, "Name": "dup"})
    assert second.status_code == 422 and "Duplicated stream name" in second.json()["errors"][0]
    stop = _post(http, f"{emulator.streams_url}/{first.json()['sid']}", data={"Status": "stopped"})
    assert stop.status_code == 200 and stop.json()["status"] == "stopped"
    assert _post(http, emulator.streams_url, data={**VALID, "Name": "dup"}).status_code == 200


def test_stop_of_unknown_stream_is_404_and_bad_status_is_422(http, emulator):
    _assert_error(_post(http, f"{emulator.streams_url}/{uuid.uuid4()}", data={"Status": "stopped"}), 404)
    sid = _post(http, emulator.streams_url, data=VALID).json()["sid"]
    assert _post(http, f"{emulator.streams_url}/{sid}", data={"Status": "paused"}).status_code == 422


def test_simultaneous_creates_with_one_name_do_not_both_succeed(emulator):
    barrier = threading.Barrier(8)
    statuses = []

    def create():
        session = requests.Session()
        barrier.wait()
        statuses.append(session.post(emulator.streams_url, data={**VALID, "Name": "race"}, auth=emulator.auth,
                                     timeout=10).status_code)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] + [422] * 7


# --- hostile input: a 4xx, never a 5xx or a hang ----------------------------------------------
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HOSTILE = [
    ("huge body", b"Url=" + b"a" * (2 << 20), FORM, 400),
    ("bad percent-encoding", b"Url=wss%3A%2F%2Fh%zz", FORM, 400),
    ("non-UTF-8", b"Url=%ff%fe", FORM, 400),
    ("invalid JSON", b"{not json", {"Content-Type": "application/json"}, 400),
    ("JSON array", b"[1,2]", {"Content-Type": "application/json"}, 400),
    ("deep JSON", b"[" * 100000 + b"]" * 100000, {"Content-Type": "application/json"}, 400),
    ("100000 fields", b"&".join(b"f%d=1" % i for i in range(100000)), FORM, 400),
    ("duplicate Url", b"Url=wss%3A%2F%2Fa.example.com&Url=wss%3A%2F%2Fb.example.com", FORM, 400),
    ("unsupported type", b"Url=x", {"Content-Type": "text/plain"}, 400),
    ("NUL in Url", b"Url=wss%3A%2F%2Fh%00.example.com", FORM, 422),
]


@pytest.mark.parametrize(("body", "headers", "status"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_input_is_a_4xx(http, emulator, body, headers, status):
    response = http.post(emulator.streams_url, data=body, headers=headers, timeout=20)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"] == "application/json"
    assert response.json()


# --- TLS, start-up, shutdown -----------------------------------------------------------------
def test_tls_with_the_written_ca():
    with running_emulator(tls=True) as server:
        assert server.base_url.startswith("https://") and server.ca_file.exists()
        response = requests.post(server.streams_url, data=VALID, auth=server.auth, verify=str(server.ca_file),
                                 timeout=10)
        assert response.status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.post(server.streams_url, data=VALID, auth=server.auth, timeout=10)


def test_emulate_command_prints_credentials_serves_and_stops_on_sigterm():
    proc = subprocess.Popen([sys.executable, "-m", "conformance", "emulate", "--port", "0",
                             "--conference-sid", "6e8bc430-9c3a-41d9-9669-0800200c9a66"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(5)]
        text = "".join(lines)
        base_url = lines[0].split()[-1]
        project = lines[1].split()[-1]
        token = lines[2].split()[-1]
        assert "6e8bc430-9c3a-41d9-9669-0800200c9a66" in text
        url = f"{base_url}/Accounts/{project}/Conferences/6e8bc430-9c3a-41d9-9669-0800200c9a66/Streams"
        assert requests.post(url, data=VALID, auth=(project, token), timeout=10).status_code == 200
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        with pytest.raises(requests.ConnectionError):
            requests.post(url, data=VALID, auth=(project, token), timeout=2)
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_server_stops_when_the_block_ends():
    with running_emulator() as server:
        url = server.streams_url
        assert requests.post(url, data=VALID, auth=server.auth, timeout=10).status_code == 200
    time.sleep(0.1)
    with pytest.raises(requests.ConnectionError):
        requests.post(url, data=VALID, auth=server.auth, timeout=2)


def test_error_bodies_are_json_objects(http, emulator):
    body = json.loads(_post(http, emulator.streams_url, data={}).content)
    assert isinstance(body, dict)


# --- faithful to SignalWire's documents (signalwire/docs) ---------------------------------------
@pytest.mark.parametrize("url", ["wss://media.example.com/stream?a=1", "wss://media.example.com/?",
                                 "wss://media.example.com/s?x#frag"])
def test_url_with_a_query_string_is_422(http, emulator, url):
    """stream.mdx: "The url does not support query string parameters"."""
    response = _post(http, emulator.streams_url, data={"Url": url})
    _assert_error(response, 422)
    assert "query string" in response.json()["errors"][0]


@pytest.mark.parametrize("fields", [{"Url": "wss://media.example.com/s#q?x"},
                                    {"Url": "wss://media.example.com/s", "StatusCallback": "https://cb.example/?a=1"}])
def test_a_question_mark_outside_the_urls_query_is_accepted(http, emulator, fields):
    assert _post(http, emulator.streams_url, data=fields).status_code == 200


def test_more_info_is_the_specs_form(http, emulator):
    body = _post(http, emulator.streams_url.replace(emulator.conference_sid, str(uuid.uuid4())), data=VALID).json()
    assert body["more_info"] == "https://signalwire.com/docs/compatibility-api/reference/errors"


@pytest.mark.parametrize(("body", "headers"), [(b"Url=%ff", FORM), (b"[1]", {"Content-Type": "application/json"}),
                                               (b"Url=" + b"a" * (2 << 20), FORM)])
def test_unreadable_bodies_carry_the_documented_10000(http, emulator, body, headers):
    """error-codes.mdx 10000: "The argument passed is invalid" (21600 is not on the page; 21617 is a message
    length limit)."""
    _assert_error(http.post(emulator.streams_url, data=body, headers=headers, timeout=20), 400, 10000)


def test_only_documented_codes_and_the_commented_405(http, emulator):
    from conformance.emulator import app

    documented = {10000, 10004, 20003, 20404, 20429, 20504, 21220}  # each read on error-codes.mdx
    codes = {v for k, v in vars(app).items() if k.startswith("CODE_")}
    assert codes - documented == {app.CODE_METHOD_NOT_ALLOWED}
    response = http.get(emulator.streams_url, timeout=10)
    assert response.status_code == 405 and response.json()["code"] == app.CODE_METHOD_NOT_ALLOWED


def test_a_name_is_unique_per_conference_not_per_account():
    from conformance.emulator import EmulatorSettings

    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    with running_emulator(EmulatorSettings(conference_sids=(first, second))) as server:
        session = requests.Session()
        session.auth = server.auth
        urls = [server.streams_url.replace(server.conference_sid, sid) for sid in (first, second)]
        answers = [_post(session, url, data={**VALID, "Name": "shared"}) for url in urls]
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        assert answers[0].json()["conference_sid"] == first and answers[1].json()["conference_sid"] == second
        again = _post(session, urls[1], data={**VALID, "Name": "shared"})
        assert again.status_code == 422 and "Duplicated stream name" in again.json()["errors"][0]
        # a stream is stopped in its own conference only: the other conference's path does not know its sid
        other = _post(session, f"{urls[1]}/{answers[0].json()['sid']}", data={"Status": "stopped"})
        _assert_error(other, 404, 20404)


def test_stop_answers_the_stopped_stream_by_sid_or_live_name(http, emulator):
    created = _post(http, emulator.streams_url, data={**VALID, "Name": "by-name"}).json()
    # a Name in the {Sid} segment stops that live stream (Name: "It is used to stop a Stream by name"); another is 404
    _assert_error(_post(http, f"{emulator.streams_url}/no-such-name", data={"Status": "stopped"}), 404, 20404)
    for status in ("in-progress", "", "STOPPED"):
        bad = _post(http, f"{emulator.streams_url}/{created['sid']}", data={"Status": status})
        assert bad.status_code == 422 and bad.json()["errors"], bad.text
    assert _post(http, f"{emulator.streams_url}/{created['sid']}", data={}).status_code == 422
    stop = _post(http, f"{emulator.streams_url}/{created['sid']}", data={"Status": "stopped"})
    assert stop.status_code == 200
    body = stop.json()
    assert contract.response_errors(200, body) == []
    assert (body["sid"], body["name"], body["status"]) == (created["sid"], "by-name", "stopped")
    again = _post(http, emulator.streams_url, data={**VALID, "Name": "by-name"})  # a stopped stream frees its Name
    assert again.status_code == 200 and again.json()["sid"] != created["sid"]


@pytest.mark.parametrize(("every", "pattern"), [(3, [200, 200, 503, 200, 200, 503]), (1, [503, 503, 503])])
def test_unavailable_answers_503_with_the_documented_body(every, pattern):
    from conformance.emulator import EmulatorSettings
    from conformance.emulator.settings import Unavailable

    with running_emulator(EmulatorSettings(unavailable=Unavailable(every))) as server:
        session = requests.Session()
        session.auth = server.auth
        answers = [_post(session, server.streams_url, data=VALID) for _ in pattern]
        assert [a.status_code for a in answers] == pattern
        for answer in (a for a in answers if a.status_code == 503):
            assert answer.headers["retry-after"] in ("0", "1")
            assert answer.json() == {"code": 20504, "message": "The service is temporarily unavailable. Please "
                                     "try again later.", "more_info": "https://signalwire.com/docs/compatibility-api/"
                                     "reference/errors", "status": 503}
        # bad credentials are still 401: unavailability is for a create the service would otherwise take
        assert requests.post(server.streams_url, data=VALID, timeout=10).status_code == 401


@pytest.mark.parametrize("text", ["every:0", "every:", "every:x", "sometimes", "every:-2", ""])
def test_unavailable_values_are_checked(text):
    from conformance.emulator.settings import Unavailable

    with pytest.raises(ValueError, match="every:20 or always"):
        Unavailable.parse(text)
    assert Unavailable.parse("every:20").every == 20 and Unavailable.parse(" Always ").always


@pytest.mark.parametrize(("argv", "message"), [
    (["--unavailable", "every:0"], "--unavailable: unavailable looks like every:20 or always"),
    (["--unsupported-codecs", "maybe"], "--unsupported-codecs is stream or error"),
    (["--unsupported-codecs", "error"], "--unsupported-codecs goes with --media"),
])
def test_emulate_refuses_bad_switches_in_one_line(argv, message):
    proc = subprocess.run([sys.executable, "-m", "conformance", "emulate", "--port", "0", *argv],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_emulate_unavailable_always_is_served():
    sid = "6e8bc430-9c3a-41d9-9669-0800200c9a66"
    proc = subprocess.Popen([sys.executable, "-m", "conformance", "emulate", "--port", "0", "--conference-sid", sid,
                             "--unavailable", "always"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(6)]
        base_url, project, token = lines[0].split()[-1], lines[1].split()[-1], lines[2].split()[-1]
        assert "unavailable (503):       every create" in "".join(lines)
        url = f"{base_url}/Accounts/{project}/Conferences/{sid}/Streams"
        assert requests.post(url, data=VALID, auth=(project, token), timeout=10).status_code == 503
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def test_unsupported_codecs_is_an_app_parameter():
    from conformance.emulator import EmulatorApp
    from conformance.emulator.player import MediaSettings

    assert EmulatorApp(media=MediaSettings(), unsupported_codecs="error").media.unsupported_codecs == "error"
    assert EmulatorApp(media=MediaSettings()).media.unsupported_codecs == "stream"  # the default: see MediaSettings
    with pytest.raises(ValueError):
        EmulatorApp(unsupported_codecs="sometimes")
    with pytest.raises(ValueError):
        MediaSettings(unsupported_codecs="sometimes")
