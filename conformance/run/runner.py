"""Sending cases through Schemathesis and judging the answers.

Both sources go through one path: a labelled `StreamRequest` becomes a Schemathesis `Case`, and
Schemathesis's own cases get the target's path parameters and credentials; each is sent with
`Case.call` on one keep-alive session, and the answer is checked rule by rule.
"""

from __future__ import annotations

import itertools
import json
import secrets as secrets_module
from urllib.parse import parse_qsl, quote

from schemathesis import Case

from conformance.checks import rest as checks
from conformance.common.wire import form_value
from conformance.contract import model
from conformance.records.exchange import Exchange, Expectation, Judged, created_sid
from conformance.records.kinds import RequestKind
from strategies import Derived, StreamRequest, open_point_of, unowned_hosts_reserved

from .governor import BudgetExhausted, GovernedSession, TargetUnreachable
from .sender import Sender
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


def repeat_verdict(again: int | None) -> str:
    """What re-sending a 5xx once showed: the same class of answer again (a crash), or not (a blip)."""
    if again is None:
        return "re-sent once: no answer (the target went away)"
    if again >= 500:
        return f"deterministic: re-sent once, {again} again"
    return f"intermittent: re-sent once, answered {again}"


def _header_lines(response) -> dict[str, list[str]]:
    """A `requests` answer's headers as Schemathesis gives them: by lower-case name, each line as received."""
    raw = response.raw.headers if response.raw is not None else None
    if raw is None:
        return {k.lower(): [v] for k, v in response.headers.items()}
    return {k.lower(): raw.getlist(k) for k in raw}


def _form_ready(value):
    """Booleans as SignalWire's form reads them; `requests` would send Python's `True`."""
    return form_value(value) if isinstance(value, bool) else value


class Runner:
    """Builds cases for the target, sends them through the run's sender, and judges the answers. It
    records nothing: what it returns (`Judged`) the run records."""

    def __init__(self, target: Target, sender: Sender, *, seed: int) -> None:
        self.target = target
        self.sender = sender
        self.seed = seed
        self.schema = model.load(target.base_url)
        self.positive_schema = model.load(target.base_url, positive=True)
        self.operation = model.operation(self.schema)
        self.session = self.new_session()
        self.check_context = checks.CheckContext(secrets=target.secrets, seen_sids=set(),
                                                 account_sid=target.account_sid)
        self.run_tag = "cf" + secrets_module.token_hex(3)
        self._counter = itertools.count(1)
        self.created: list[tuple[str, str, str]] = []
        """(account, conference, sid) of every stream the run created: the ledger."""

    def new_session(self) -> GovernedSession:
        return self.sender.session()

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
    def send(self, case: Case, expectation: Expectation, session: GovernedSession | None = None, *,
             request: StreamRequest | None = None) -> Exchange:
        """`session`: another governed session, for probes that send from several threads at once;
        `request`: the labelled request the case was made from, if any."""
        label = ",".join(expectation.rule_ids) or expectation.kind
        response = case.call(session=session or self.session, timeout=TIMEOUT_SECONDS, verify=self.target.verify,
                             headers=self.sender.label_headers(label) or None)
        repeat = None
        if response.status_code >= 500:  # 503 is waited out by the governor; any other 5xx is sent once more
            repeat = self.send_again(lambda: case.call(
                session=session or self.session, timeout=TIMEOUT_SECONDS, verify=self.target.verify,
                headers=self.sender.label_headers(label + " (again)") or None), dict(case.path_parameters or {}))
        exchange = self._exchange(expectation, response.request, dict(case.path_parameters or {}),
                                  response.status_code, response.headers, response.content, response.elapsed,
                                  derived=_derived(request), case=case, response=response, repeat=repeat)
        if exchange.created_sid:
            self.created.append((exchange.path_parameters.get("AccountSid", ""),
                                 exchange.path_parameters.get("ConferenceSid", ""), exchange.created_sid))
        return exchange

    def _exchange(self, expectation: Expectation, prepared, path_parameters: dict, status: int,
                  header_lines: dict[str, list[str]], content: bytes | None, elapsed: float, **extra) -> Exchange:
        """One request sent and its answer: `header_lines` by lower-case name, each header's lines as received."""
        body = prepared.body.encode() if isinstance(prepared.body, str) else (prepared.body or b"")
        content_type = prepared.headers.get("Content-Type")
        return Exchange(
            expectation=expectation, method=prepared.method, url=prepared.url, path_parameters=path_parameters,
            request_headers=dict(prepared.headers), request_body=body, content_type=content_type,
            sent_fields=_sent_fields(content_type, body), status=status,
            response_headers={k: ", ".join(v) for k, v in header_lines.items()},
            header_lines={k.lower(): tuple(v) for k, v in header_lines.items()},
            response_body=content or b"", elapsed=elapsed, seed=self.seed, **extra)

    def send_again(self, call, path_parameters: dict | None) -> str:
        """Send a request that got a 5xx once more: whether it reproduced, in words for the failure's got. The
        first answer is what is judged, so neither a spent budget nor a target gone loses it. `path_parameters`:
        a create's, whose 200 joins the ledger (None for an update, which creates nothing)."""
        try:
            again = call()
        except BudgetExhausted:
            return "not re-sent: the request budget is spent"
        except TargetUnreachable:
            return repeat_verdict(None)
        if path_parameters is not None:
            self._ledger(path_parameters, again.status_code, again.content)
        return repeat_verdict(again.status_code)

    def _ledger(self, path_parameters: dict, status: int, content: bytes | None) -> None:
        """A stream a re-sent request created (the first answer was a 5xx): into the ledger, for --cleanup."""
        try:
            sid = created_sid(status, json.loads(content or b""))
        except ValueError:
            return
        if sid is not None:
            self.created.append((path_parameters.get("AccountSid", ""), path_parameters.get("ConferenceSid", ""), sid))

    def judge(self, exchange: Exchange) -> Judged:
        return Judged(exchange, tuple(checks.evaluate(exchange, self.check_context)))

    @staticmethod
    def expectation_for(request: StreamRequest) -> Expectation:
        """The request's own position, as it carries it (`StreamRequest.kind`)."""
        kind = request.kind
        ids = {RequestKind.INVALID: request.rule_ids, RequestKind.OPEN: (request.open_point,),
               RequestKind.VALID: (request.accepted_by,) if request.accepted_by else ()}[kind]
        return Expectation(kind, tuple(ids), "strategies", request.reason, member=request.member)

    def exchange(self, request: StreamRequest) -> Judged:
        """Send a labelled request and judge it by its label."""
        case, expectation = self.case_for(request), self.expectation_for(request)
        return self.judge(self.send(case, expectation, request=request))

    @staticmethod
    def is_positive(case: Case) -> bool:
        mode = case.meta.generation.mode if case.meta else None
        return mode is not None and mode.is_positive

    def exchange_case(self, case: Case, source: str) -> Judged:
        positive = self.is_positive(case)
        case = self.adopt(case)
        open_point = open_point_of(case.body) if positive else None
        if open_point:  # e.g. a Name Schemathesis drew with a control character: either answer conforms
            expectation = Expectation(RequestKind.OPEN, (open_point,), source,
                                      f"a Schemathesis case in open point {open_point}")
        elif positive:
            expectation = Expectation(RequestKind.VALID, (), source, "a Schemathesis case valid under the contract")
        else:
            expectation = Expectation(RequestKind.SCHEMA_NEGATIVE, (), source,
                                      "a Schemathesis case that breaks the schema")
        return self.judge(self.send(case, expectation))

    def _post_update(self, conference_sid: str, segment: str, fields: dict[str, str], label: str,
                     account_sid: str | None = None):
        """SignalWire's Update a Conference Stream: POST .../Streams/{segment} (a sid, or a Name), form-encoded,
        through the run's governed session."""
        url = f"{self.target.streams_url(account_sid, conference_sid)}/{quote(str(segment), safe='')}"
        headers = {"Authorization": self.target.basic_header, "Accept": "application/json",
                   **self.sender.label_headers(label)}
        return self.session.post(url, data=fields, timeout=TIMEOUT_SECONDS, verify=self.target.verify,
                                 headers=headers)

    def update(self, segment: str, fields: dict[str, str], expectation: Expectation,
               conference_sid: str | None = None) -> Exchange:
        """An Update sent and its answer, as an Exchange the REST checks judge like a create's; a 5xx is sent
        once more, as for a create."""
        conference = conference_sid or self.target.conference_sid
        response = self._post_update(conference, segment, fields, "update")
        repeat = None
        if response.status_code >= 500:
            repeat = self.send_again(lambda: self._post_update(conference, segment, fields, "update (again)"), None)
        return self._exchange(expectation, response.request,
                              {"AccountSid": self.target.account_sid, "ConferenceSid": conference},
                              response.status_code, _header_lines(response), response.content,
                              response.elapsed.total_seconds(), response=response, repeat=repeat)

    def stop_stream(self, account_sid: str, conference_sid: str, sid: str) -> int | None:
        """Update with Status=stopped, judged by nobody (clean-up); the status, or None if unreachable."""
        try:
            return self._post_update(conference_sid, sid, {"Status": "stopped"}, "stop", account_sid).status_code
        except TargetUnreachable:
            return None

    def cleanup(self) -> tuple[int, int]:
        """--cleanup: stop every stream the run created; (stopped, left running)."""
        stopped = 0
        for index, (account_sid, conference_sid, sid) in enumerate(list(self.created)):
            try:
                status = self.stop_stream(account_sid, conference_sid, sid)
            except BudgetExhausted:
                return stopped, len(self.created) - index
            stopped += status == 200
        return stopped, len(self.created) - stopped
