"""The raw HTTP/1.1 sender against the emulator: exact bytes, one kept-alive connection across every kind of answer."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import pytest

from conformance.run.wire import WireConnection


@pytest.fixture()
def wire(emulator):
    with WireConnection(emulator.base_url, verify=emulator.verify) as connection:
        yield connection


def _basic(emulator) -> str:
    return "Basic " + base64.b64encode(f"{emulator.project_id}:{emulator.api_token}".encode()).decode()


def _path(emulator, account=None) -> str:
    root = urlsplit(emulator.base_url).path
    return f"{root}/Accounts/{account or emulator.account_sid}/Conferences/{emulator.conference_sids[0]}/Streams"


FORM = ("Content-Type", "application/x-www-form-urlencoded")


def test_every_kind_of_answer_on_one_connection(emulator, wire):
    good = b"Url=wss%3A%2F%2Fmedia.example.com%2Fwire"
    auth = ("Authorization", _basic(emulator))
    sequence = [
        (_path(emulator), [auth, FORM], good, 200),
        (_path(emulator), [FORM], good, 401),                                   # no credentials
        (_path(emulator, "00000000-0000-4000-8000-000000000000"), [auth, FORM], good, 401),
        (_path(emulator).replace("/Streams", "x/Streams"), [auth, FORM], good, 404),
        (_path(emulator), [auth, FORM], b"Url=ws%3A%2F%2Fmedia.example.com%2F", 422),
        (_path(emulator), [auth, ("Content-Type", "application/json")], b"{not json", 400),
        (_path(emulator), [auth, FORM], good, 200),                             # and still fine after all that
    ]
    statuses = []
    for path, headers, body, _ in sequence:
        response = wire.send(wire.request_bytes("POST", path, headers, body))
        statuses.append(response.status)
        assert json.loads(response.body)  # every answer framed right: its JSON body read whole
    assert statuses == [s for *_, s in sequence]
    assert wire.open  # the emulator kept the connection alive throughout


def test_exact_headers_a_client_library_would_not_send(emulator, wire):
    path, auth = _path(emulator), ("Authorization", _basic(emulator))
    body = b"Url=wss%3A%2F%2Fmedia.example.com%2Fnone"
    no_type = wire.send(wire.request_bytes("POST", path, [auth], body))  # no Content-Type at all
    assert no_type.status == 200  # the emulator reads a form (open: a server may refuse)
    twice = wire.send(wire.request_bytes("POST", path, [("Authorization", "Basic eDp5"), auth, FORM], body))
    assert twice.status < 500
    raw = wire.request_bytes("POST", path, [auth, FORM], body, content_length=False)
    assert b"Content-Length" not in raw and raw.endswith(body)


def test_a_bad_url_is_a_clear_error():
    with pytest.raises(ValueError, match="not an http"):
        WireConnection("ftp://example.invalid/")
