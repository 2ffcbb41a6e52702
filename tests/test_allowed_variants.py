"""The suite's other direction: servers the contract permits must pass (exit 0, no FAIL), SHOULD
deviations showing as WARN. Each variant is in `allowed_variants.py`, the mirror of the broken servers."""

from __future__ import annotations

import json

import pytest

from conformance.emulator import EmulatorApp, running_emulator

from .allowed_variants import ALLOWED
from .conftest import run_suite, statuses, suite_env_full

SMALL_BUDGET = ["--seed", "1"]
"""The quick run (`run_suite`'s default): every rule and every open point offered, a complete verdict;
`benchmarks/detection.py --allowed` runs the default depth against every variant."""


@pytest.mark.parametrize(("app_class", "warned"), ALLOWED, ids=[c.__name__ for c, _ in ALLOWED])
def test_allowed_variant_passes(tmp_path, app_class, warned):
    with running_emulator(app=app_class()) as server:
        proc, report = run_suite(["--base-url", server.base_url, *SMALL_BUDGET], suite_env_full(server), tmp_path)
    found = statuses(report)
    failed = {rule: status for rule, status in found.items() if status == "FAIL"}
    assert not failed, (failed, proc.stdout[-3000:])
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert {rule for rule, status in found.items() if status == "WARN"} == set(warned), found


OTHER_ANSWER = {
    # open point -> the variant that answers it the other way from the emulator
    "unknown-fields": "RejectsUnknownFields", "custom-param-half-pair": "RejectsHalfPairs",
    "custom-param-zero": "AcceptsParameterZero", "custom-param-duplicate-name": "RejectsDuplicateParameterNames",
    "url-iri-host": "RejectsIri", "url-query": "RejectsQueryStrings", "url-ip-literal": "RefusesIpAndLocalhost",
    "url-localhost": "RefusesIpAndLocalhost", "url-fragment": "RejectsFragments",
    "url-scheme-case": "AcceptsUppercaseScheme", "auth-odd-spacing": "StrictSingleSpaceAuth",
    "text-empty": "RejectsEmptyText", "text-edge-whitespace": "RejectsEdgeWhitespace",
    "text-control-chars": "RejectsControlCharacters", "text-very-long": "RejectsLongText",
    "bearer-not-token68": "RejectsNonToken68Bearer", "problem-order": "FirstProblemOnly",
    # breadth by principle (issue 18)
    "content-type-other": "SniffsBodies", "json-duplicate-keys": "RejectsDuplicateJsonKeys",
    "form-duplicate-keys": "LastFormValueWins", "json-null-field": "NullIsAbsent", "body-deep": "DeepJsonAccepted",
    "body-large": "LargeBody413", "body-bad-encoding": "LenientBodyDecoding",
    "auth-base64-variants": "LenientBase64Auth", "auth-user-case": "CaseInsensitiveProjectId",
    "path-sid-case": "CaseInsensitiveSids",
}


def test_every_open_point_has_a_variant_answering_otherwise():
    from conformance.contract import rules

    assert set(OTHER_ANSWER) == set(rules.OPEN_POINTS)
    assert set(OTHER_ANSWER.values()) <= {c.__name__ for c, _ in ALLOWED}


def test_name_after_stop_is_an_open_point_both_answers_pass_and_the_report_shows_which():
    """Issue 19: whether a stopped stream keeps its Name is not documented. The emulator frees it (200), the
    variant keeps it (422): both pass, and the open points table shows the answer each gave."""
    import tempfile
    from pathlib import Path

    from .allowed_variants import NameKeptAfterStop

    seen = {}
    for app_class in (EmulatorApp, NameKeptAfterStop):
        with tempfile.TemporaryDirectory() as tmp, running_emulator(app=app_class()) as server:
            proc, report = run_suite(["--base-url", server.base_url, *SMALL_BUDGET], suite_env_full(server),
                                     Path(tmp))
        assert proc.returncode == 0, proc.stdout[-2000:]
        point = next(p for p in report["open_points"] if p["id"] == "name-after-stop")
        seen[app_class.__name__] = point
    assert "200" in json.dumps(seen["EmulatorApp"]) and "422" in json.dumps(seen["NameKeptAfterStop"]), seen
