"""Stateful probes: what one request cannot show (Name uniqueness, sequential and concurrent)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from .checks import PASS, Failed
from .exchange import Exchange, Expectation
from .runner import TIMEOUT_SECONDS, Runner

CONCURRENT_CREATES = 4


def _create(runner: Runner, session: requests.Session, name: str, kind: str = "probe") -> Exchange:
    request_url = runner.target.streams_url()
    body = {"Url": "wss://media.example.com/probe", "Name": name}
    response = session.post(request_url, data=body, timeout=TIMEOUT_SECONDS, verify=runner.target.verify,
                            headers={"Authorization": runner.target.basic_header, "Accept": "application/json"})
    prepared = response.request
    return Exchange(
        expectation=Expectation(kind, (), "probe:name-unique", f"a create named {name!r}"),
        method="POST", url=prepared.url,
        path_parameters={"AccountSid": runner.target.account_sid, "ConferenceSid": runner.target.conference_sid},
        request_headers=dict(prepared.headers), request_body=prepared.body.encode() if isinstance(
            prepared.body, str) else (prepared.body or b""),
        content_type=prepared.headers.get("Content-Type"), sent_fields=body, status=response.status_code,
        response_headers=dict(response.headers), response_body=response.content,
        elapsed=response.elapsed.total_seconds(), seed=runner.seed,
    )


def _stop_created(runner: Runner, exchanges: list[Exchange]) -> None:
    for ex in exchanges:
        if ex.status == 200 and isinstance(ex.json, dict) and isinstance(ex.json.get("sid"), str):
            runner.stop_stream(runner.target.account_sid, runner.target.conference_sid, ex.json["sid"])


def duplicate_name(runner: Runner) -> list:
    """Create a stream, then another with the same Name: the second SHOULD be rejected at once."""
    name = runner.name_prefix() + "duplicate"
    first = _create(runner, runner.session, name, kind="valid")
    failures = runner.judge(first)
    if first.status != 200:
        return failures  # the first create's own failure is already recorded
    second = _create(runner, runner.session, name)
    outcome = PASS if second.status in (400, 422) else Failed(
        "400 or 422 for a second live stream with the same Name", f"{second.status} {second.response_text[:200]}")
    failures += runner.judge(second)
    failures += runner.results.record(second, [("name-unique", outcome)], traffic=False)
    _stop_created(runner, [first, second])
    return failures


def concurrent_duplicate_name(runner: Runner) -> list:
    """Several simultaneous creates with one Name: at most one SHOULD succeed."""
    name = runner.name_prefix() + "concurrent"
    sessions = [runner.new_session() for _ in range(CONCURRENT_CREATES)]
    with ThreadPoolExecutor(CONCURRENT_CREATES) as pool:
        exchanges = list(pool.map(lambda s: _create(runner, s, name), sessions))
    failures = []
    for ex in exchanges:
        failures += runner.judge(ex)
    created = [ex for ex in exchanges if ex.status == 200]
    outcome = PASS if len(created) <= 1 else Failed(
        f"at most one 200 among {CONCURRENT_CREATES} simultaneous creates named alike", f"{len(created)} were 200")
    failures += runner.results.record(exchanges[-1], [("name-unique-concurrent", outcome)], traffic=False)
    _stop_created(runner, exchanges)
    return failures
