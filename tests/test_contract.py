"""The bundled contract: loaded unchanged, validators strict where the document is."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conformance.contract import document as contract
from conformance.contract import rules

SHARED_SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "create-conference-stream.openapi.yaml"

GOOD_200 = {
    "account_sid": "6e8bc430-9c3a-41d9-9669-0800200c9a66",
    "conference_sid": "0b6d6a7e-3f2b-4b8e-9d1e-2a4f5c6b7d8e",
    "date_updated": "Tue, 24 Nov 2026 14:02:00 GMT",
    "name": None,
    "sid": "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
    "status": "queued",
    "uri": "/x/9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f.json",
}
GOOD_ERROR = {"code": 20003, "message": "no", "more_info": "https://x", "status": 401}


@pytest.mark.skipif(not SHARED_SPEC.exists(), reason="shared/ is not beside this checkout")
def test_bundled_document_is_the_published_one_unchanged():
    assert contract.spec_bytes() == SHARED_SPEC.read_bytes()
    assert contract.spec_sha256() == hashlib.sha256(SHARED_SPEC.read_bytes()).hexdigest()


def test_values_read_from_the_document():
    assert contract.enum_values("Track") == ("inbound_track", "outbound_track", "both_tracks")
    assert contract.enum_values("StatusCallbackMethod") == ("GET", "POST")
    assert contract.enum_values("StreamCodec") == ("PCMU", "PCMA", "L16", "L16@16000h", "L16@24000h")
    assert contract.max_custom_parameters() == 99
    assert contract.required_request_fields() == ("Url",)
    assert contract.enum_default("Track") == "both_tracks"


@pytest.mark.parametrize(("status", "body"), [(200, GOOD_200), (200, {**GOOD_200, "name": "n"}),
                                              (400, GOOD_ERROR), (401, GOOD_ERROR), (404, GOOD_ERROR),
                                              (422, {"errors": ["Url is required"]}), (422, {"errors": []})])
def test_conforming_bodies_validate(status, body):
    assert contract.response_errors(status, body) == []


@pytest.mark.parametrize(("status", "body", "fragment"), [
    (200, {**GOOD_200, "sid": "not-a-uuid"}, "sid: 'not-a-uuid' is not a 'uuid'"),
    (200, {**GOOD_200, "account_sid": "AC123"}, "account_sid"),
    (200, {k: v for k, v in GOOD_200.items() if k != "name"}, "'name' is a required property"),
    (200, {**GOOD_200, "status": "running"}, "status"),
    (200, {**GOOD_200, "name": 5}, "name"),
    (401, {"code": "20003", "message": "no", "more_info": "x", "status": 401}, "code"),
    (404, {"message": "gone"}, "'code' is a required property"),
    (422, {"errors": "Url is required"}, "errors"),
    (422, {"errors": [1]}, "errors/0"),
])
def test_non_conforming_bodies_are_named(status, body, fragment):
    errors = contract.response_errors(status, body)
    assert errors and any(fragment in e for e in errors), errors


def test_undocumented_status_has_no_validator():
    with pytest.raises(KeyError):
        contract.response_validator(201)


def test_rule_registry_is_complete_and_consistent():
    assert len(rules.RULES) == len(rules._ALL)
    for rule in rules.RULES.values():
        assert rule.basis and rule.title and rule.level in rules.Level
    assert {r.id for r in rules.REQUEST_RULES} >= {"url-required", "auth-missing", "conference-unknown"}


def test_the_api_root_is_the_documents_server_path():
    from urllib.parse import urlsplit

    assert urlsplit(contract.server_url_template()).path == contract.API_ROOT
