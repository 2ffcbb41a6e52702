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


def test_foreign_account_is_401(http, emulator):
    url = emulator.streams_url.replace(emulator.account_sid, str(uuid.uuid4()))
    _assert_error(_post(http, url, data=VALID), 401, 20003)


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
