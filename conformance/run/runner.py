"""Sending cases through Schemathesis and judging the answers.

Both sources go through one path: a labelled `StreamRequest` becomes a Schemathesis `Case`, and
Schemathesis's own cases get the target's path parameters and credentials; each is sent with
`Case.call` on one keep-alive session, and the answer is checked rule by rule.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets as secrets_module
import sys
from urllib.parse import parse_qsl

from schemathesis import Case
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import negative_data_rejection

from conformance.checks import rest as checks
from conformance.contract import model
from conformance.records.exchange import Exchange, Expectation
from conformance.report.results import Results
from strategies import Derived, StreamRequest, open_point_of, unowned_hosts_reserved

from .governor import BudgetExhausted, GovernedSession, Governor, TargetUnreachable
from .target import Target

TIMEOUT_SECONDS = 30
__all__ = ["BudgetExhausted", "Runner", "TargetUnreachable"]


def _derived(request: StreamRequest | None) -> tuple[str, str] | None:
    auth = request.authorization if request is not None else None
    return (auth.kind, auth.noise) if isinstance(auth, Derived) else None


def _sent_fields(content_type: str | None, body: bytes | None) -> dict | None:
    if not body:
        return {}
    try:
        if (content_type or "").startswith("application/json"):
            data = json.loads(body)
            return data if isinstance(data, dict) else None
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: the body-deep class
        return None


def _form_ready(value):
    """Booleans as SignalWire's form reads them; `requests` would send Python's `True`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class Runner:
    def __init__(self, target: Target, results: Results, *, seed: int | None = None,
                 governor: Governor | None = None, dry_run: bool = False) -> None:
        self.target = target
        self.results = results
        self.seed = seed
        self.governor = governor or Governor()
        self.dry_run = dry_run
        self.planned = 0
        self.schema = model.load(target.base_url)
        self.positive_schema = model.load(target.base_url, positive=True)
        self.operation = model.operation(self.schema)
        self.session = self.new_session()
        self.check_context = checks.CheckContext(secrets=target.secrets, seen_sids=set())
        self.run_tag = "cf" + secrets_module.token_hex(3)
        self._counter = itertools.count(1)
        self.created: list[tuple[str, str, str]] = []
        """(account, conference, sid) of every stream the run created: the ledger."""

    def new_session(self) -> GovernedSession:
        return GovernedSession(self.governor)

    def name_prefix(self) -> str:
        return f"{self.run_tag}-{next(self._counter)}-"

    # --- building cases --------------------------------------------------------------------
    def case_for(self, request: StreamRequest, *, unique_name: bool = True) -> Case:
        """`unique_name`: prefix the Name per request (False where a probe needs the very Name it chose)."""
        if unique_name:
            request = request.with_name_prefix(self.name_prefix())
        headers = {"Accept": "application/json"}
        authorization = self.target.authorization_for(request)
        if authorization is not None:
            headers["Authorization"] = authorization
        body = request.to_json() if request.encoding == "json" else request.to_form()
        if request.exact_bytes:  # the dimension model's header and body classes: bytes and header as given
            body = request.body_bytes()
            headers["Content-Type"] = request.content_type
        return self.schema.make_case(
            operation=self.operation,
            path_parameters=self.target.path_parameters_for(request),
            headers=headers,
            body=body,
            media_type=request.content_type,
        )

    def adopt(self, case: Case) -> Case:
        """A Schemathesis-generated case, pointed at the target with its credentials."""
        case.path_parameters = {"AccountSid": self.target.account_sid, "ConferenceSid": self.target.conference_sid}
        case.headers = {**(case.headers or {}), "Authorization": self.target.basic_header}
        if isinstance(case.body, dict):
            body = dict(case.body)
            if isinstance(body.get("Name"), str):
                body["Name"] = self.name_prefix() + body["Name"]
            for field in ("Url", "StatusCallback"):  # Schemathesis draws any host: never one someone owns
                if isinstance(body.get(field), str):
                    body[field] = unowned_hosts_reserved(body[field])
            if case.media_type == model.FORM:
                body = {k: _form_ready(v) for k, v in body.items()}
            case.body = body
        return case

    # --- sending and judging ---------------------------------------------------------------
    def plan(self, case: Case, expectation: Expectation) -> None:
        """--dry-run: print what would be sent (credentials shown as variables), send nothing."""
        self.planned += 1
        kwargs = case.as_transport_kwargs(base_url=self.target.base_url)
        body = kwargs.get("data") if kwargs.get("json") is None else json.dumps(kwargs["json"], ensure_ascii=False)
        body = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
        label = ",".join(expectation.rule_ids) or expectation.kind
        line = f"{kwargs['method']} {kwargs['url']} [{label}] {case.media_type or ''} {len(body)} bytes: {body[:120]}"
        try:
            print(line, flush=True)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    def send(self, case: Case, expectation: Expectation, session: GovernedSession | None = None, *,
             request: StreamRequest | None = None) -> Exchange:
        """`session`: another governed session, for probes that send from several threads at once;
        `request`: the labelled request the case was made from, if any."""
        response = case.call(session=session or self.session, timeout=TIMEOUT_SECONDS, verify=self.target.verify)
        prepared = response.request
        body = prepared.body.encode() if isinstance(prepared.body, str) else (prepared.body or b"")
        content_type = prepared.headers.get("Content-Type")
        exchange = Exchange(
            expectation=expectation,
            method=prepared.method,
            url=prepared.url,
            path_parameters=dict(case.path_parameters or {}),
            request_headers=dict(prepared.headers),
            request_body=body,
            content_type=content_type,
            sent_fields=_sent_fields(content_type, body),
            status=response.status_code,
            response_headers={k: ", ".join(v) for k, v in response.headers.items()},
            response_body=response.content or b"",
            elapsed=response.elapsed,
            seed=self.seed,
            derived=_derived(request),
            case=case,
            response=response,
        )
        if exchange.created_sid:
            self.created.append((exchange.path_parameters.get("AccountSid", ""),
                                 exchange.path_parameters.get("ConferenceSid", ""), exchange.created_sid))
        return exchange

    def judge(self, exchange: Exchange) -> list[tuple[str, checks.Failed]]:
        outcomes = checks.evaluate(exchange, self.check_context)
        if exchange.expectation.kind == "schema-negative":
            outcomes.append(("schema-negative-rejected", self._stock_negative_check(exchange)))
        return self.results.record(exchange, outcomes)

    def _stock_negative_check(self, exchange: Exchange) -> checks.Outcome:
        """Schemathesis's own check, which knows what its negation was and reads the body as sent."""
        try:
            exchange.case.validate_response(exchange.response, checks=[negative_data_rejection])
        except FailureGroup as group:
            return checks.Failed("a 4xx for a body that breaks the schema as sent",
                                 f"{exchange.status}: {group.exceptions[0].title}")
        return checks.PASS

    @staticmethod
    def expectation_for(request: StreamRequest) -> Expectation:
        if request.rule_ids:
            return Expectation("invalid", request.rule_ids, "strategies", request.reason)
        if request.open_point:
            return Expectation("open", (request.open_point,), "strategies", request.reason)
        accepted_by = (request.accepted_by,) if request.accepted_by else ()
        return Expectation("valid", accepted_by, "strategies", request.reason)

    def exchange(self, request: StreamRequest) -> list[tuple[str, checks.Failed]]:
        """Send a labelled request and judge it by its label."""
        case, expectation = self.case_for(request), self.expectation_for(request)
        if self.dry_run:
            self.plan(case, expectation)
            return []
        return self.judge(self.send(case, expectation, request=request))

    def exchange_case(self, case: Case, source: str) -> list[tuple[str, checks.Failed]]:
        mode = case.meta.generation.mode if case.meta else None
        positive = mode is not None and mode.is_positive
        case = self.adopt(case)
        open_point = open_point_of(case.body) if positive else None
        if open_point:  # e.g. a Name Schemathesis drew with a control character: either answer conforms
            expectation = Expectation("open", (open_point,), source, f"a Schemathesis case in open point {open_point}")
        else:
            expectation = Expectation("valid" if positive else "schema-negative", (), source,
                                      "a Schemathesis case valid under the contract" if positive
                                      else "a Schemathesis case that breaks the schema")
        if self.dry_run:
            self.plan(case, expectation)
            return []
        return self.judge(self.send(case, expectation))

    def stop_stream(self, account_sid: str, conference_sid: str, sid: str) -> int | None:
        """SignalWire's Update a Conference Stream with Status=stopped; the status, or None if unreachable."""
        url = f"{self.target.streams_url(account_sid, conference_sid)}/{sid}"
        try:
            response = self.session.post(url, data={"Status": "stopped"}, timeout=TIMEOUT_SECONDS,
                                         headers={"Authorization": self.target.basic_header},
                                         verify=self.target.verify)
        except TargetUnreachable:
            return None
        return response.status_code

    def cleanup(self) -> tuple[int, int]:
        """--cleanup: stop every stream the run created; (stopped, left running)."""
        stopped = 0
        for index, (account_sid, conference_sid, sid) in enumerate(self.created):
            try:
                status = self.stop_stream(account_sid, conference_sid, sid)
            except BudgetExhausted:
                return stopped, len(self.created) - index
            stopped += status == 200
        return stopped, len(self.created) - stopped
