"""One small function per requirement, each tied to a rule id.

A check returns `None` when it does not apply to the exchange, `PASS` when the rule held, or a
`Failed` saying what was expected and what came back. The request itself is shown by the report.
"""

from __future__ import annotations

import email.utils
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from urllib.parse import unquote, urlsplit

from conformance.contract import document as contract
from conformance.contract import media as media_facts
from conformance.contract import rules
from conformance.records.exchange import NOT_JSON, Exchange
from conformance.records.kinds import RequestKind
from conformance.records.outcome import PASS, Failed, Outcome

from .registry import Registry


@dataclass
class CheckContext:
    """What checks need beyond the exchange: the secrets to watch for, the sids seen so far, and the account
    the credentials belong to."""

    secrets: tuple[str, ...]
    seen_sids: set[str]
    account_sid: str | None = None


CheckFn = Callable[[Exchange, CheckContext], Outcome]
REST = Registry("rest")
check = REST.check
CHECKS = REST.checks


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _got(ex: Exchange) -> str:
    return f"{ex.status} {_short(ex.response_text)}"


def _is_update(ex: Exchange) -> bool:
    """Update a Conference Stream (POST .../Streams/{Sid}): its 200 is an existing stream, not a new one."""
    return "/Streams/" in unquote(urlsplit(ex.url).path).rstrip("/")


def _ok_body(ex: Exchange) -> dict | None:
    """The 200 body, when there is one to inspect."""
    return ex.json if ex.status == 200 and isinstance(ex.json, dict) else None


# --- robustness ----------------------------------------------------------------------------
@check("no-server-error")
def no_server_error(ex: Exchange, ctx: CheckContext) -> Outcome:
    if ex.status < 500:
        return PASS
    # the runner sent it once more: a crash (deterministic) or a blip (intermittent), for the nightly reader
    got = f"{ex.status} [{ex.repeat}] {_short(ex.response_text)}" if ex.repeat else _got(ex)
    return Failed("a status below 500", got)


@check("status-documented")
def status_documented(ex: Exchange, ctx: CheckContext) -> Outcome:
    if ex.status >= 500:
        return None  # reported by no-server-error
    if ex.status in contract.DOCUMENTED_STATUSES:
        return PASS
    extra = rules.EXTRA_STATUSES.get(ex.expectation.open_point or "", frozenset())
    if ex.status in extra:  # e.g. 413 for a 64 KiB body: the refusal HTTP names exactly
        return PASS
    return Failed(f"one of {', '.join(map(str, contract.DOCUMENTED_STATUSES + tuple(sorted(extra))))}", _got(ex))


@check("content-type-json")
def content_type_json(ex: Exchange, ctx: CheckContext) -> Outcome:
    if ex.status not in contract.DOCUMENTED_STATUSES:
        return None
    if ex.media_type == "application/json":
        return PASS
    return Failed("Content-Type: application/json", f"{ex.status} with Content-Type {ex.media_type or '(none)'!r}")


CALL_STREAM_422 = "CompatibilityErrorResponse"
"""The 422 body of SignalWire's Create a Stream (calls), also allowed here: the two Streams endpoints of one API
document different 422 shapes, and a service may well answer both with one."""


# --- response bodies -----------------------------------------------------------------------
@check("response-schema")
def response_schema(ex: Exchange, ctx: CheckContext) -> Outcome:
    if ex.status not in contract.DOCUMENTED_STATUSES:
        return None
    if ex.json is NOT_JSON:
        return Failed(f"a JSON body for {ex.status}", _got(ex))
    errors = contract.response_errors(ex.status, ex.json)
    if not errors:
        return PASS
    if ex.status == 422 and not contract.component_errors(CALL_STREAM_422, ex.json):
        return PASS  # the sibling Call Stream endpoint's documented 422 shape (see the rule's basis)
    return Failed(f"a body matching the documented {ex.status} schema", f"{ex.status}: {'; '.join(errors[:3])}")


@check("errors-nonempty")
def errors_nonempty(ex: Exchange, ctx: CheckContext) -> Outcome:
    if ex.status != 422 or not isinstance(ex.json, dict) or not isinstance(ex.json.get("errors"), list):
        return None
    return PASS if ex.json["errors"] else Failed("at least one message in errors", _got(ex))


_UUID = contract.UUID_PATTERN


def _uuids_folded(text):
    """UUIDs in lower case: a server may echo a sid sent in upper case canonically (RFC 9562 section 4, the
    open point path-sid-case); everything else is compared as it is."""
    return _UUID.sub(lambda m: m.group(0).lower(), text) if isinstance(text, str) else text


def _echo(ex: Exchange, key: str, parameter: str) -> Outcome:
    body = _ok_body(ex)
    if body is None or key not in body:
        return None
    sent = ex.path_parameters.get(parameter)
    same = body[key] == sent or (isinstance(body[key], str) and bool(_UUID.fullmatch(body[key]))
                                 and _uuids_folded(body[key]) == _uuids_folded(sent))
    return PASS if same else Failed(f"{key} = {sent!r} (the path's {parameter})", repr(body[key]))


@check("echo-account-sid")
def echo_account_sid(ex: Exchange, ctx: CheckContext) -> Outcome:
    return _echo(ex, "account_sid", "AccountSid")


@check("echo-conference-sid")
def echo_conference_sid(ex: Exchange, ctx: CheckContext) -> Outcome:
    return _echo(ex, "conference_sid", "ConferenceSid")


@check("echo-name")
def echo_name(ex: Exchange, ctx: CheckContext) -> Outcome:
    body = _ok_body(ex)
    if body is None or ex.sent_fields is None:
        return None
    if _is_update(ex):
        return PASS if "name" in body else Failed("a name key (the stream's Name, or null)", "no name key")
    if "name" not in body:
        return Failed("a name key (the Name sent, or null)", "no name key")
    sent = ex.sent_fields.get("Name")
    if sent not in (None, ""):
        return PASS if body["name"] == sent else Failed(repr(sent), repr(body["name"]))
    # no Name sent: null or "" (no name), or the new stream's sid (stream.mdx: StreamName "Defaults to the StreamSid")
    sid = body.get("sid")
    allowed = [None, ""] + ([sid] if isinstance(sid, str) and sid else [])
    if body["name"] in allowed:
        return PASS
    return Failed("null, \"\" or the stream's sid (no Name was sent)", repr(body["name"]))


@check("sid-fresh")
def sid_fresh(ex: Exchange, ctx: CheckContext) -> Outcome:
    body = _ok_body(ex)
    if body is None or not isinstance(body.get("sid"), str):
        return None
    sid = body["sid"]
    try:
        uuid.UUID(sid)
    except ValueError:
        return Failed("a UUID sid", repr(sid))
    if _is_update(ex):
        return PASS  # the stream's own sid again; the state rules hold it equal to the created one
    if sid in ctx.seen_sids:
        return Failed("a sid not returned before in this run", f"{sid} again")
    ctx.seen_sids.add(sid)
    return PASS


_RFC2822_GMT = re.compile(r"(GMT|UT|UTC|[+-]0000)$")
_SEPT = re.compile(r"(?<=\d )Sept(?= \d)")


def _parse_date(value: str):
    """RFC 2822's date, with the document's own example spelling "Sept" (ConferenceStreamResponse.date_updated:
    "Tue, 25 Sept 2018 20:00:00 +0000") read as Sep. None when it is no date."""
    try:
        return email.utils.parsedate_to_datetime(_SEPT.sub("Sep", value))
    except (TypeError, ValueError, IndexError):
        return None


@check("date-rfc2822")
def date_rfc2822(ex: Exchange, ctx: CheckContext) -> Outcome:
    body = _ok_body(ex)
    if body is None or "date_updated" not in body:
        return None
    value = body["date_updated"]
    expected = "an RFC 2822 date in GMT, like 'Tue, 24 Nov 2026 14:02:00 GMT'"
    if not isinstance(value, str):
        return Failed(expected, repr(value))
    parsed = _parse_date(value)
    if parsed is None or not _RFC2822_GMT.search(value.strip()):
        return Failed(expected, repr(value))
    return PASS


def _uri_and_sid(ex: Exchange) -> tuple[str, str] | None:
    """A 200's uri and sid, when both are strings (their types are response-schema's to judge)."""
    body = _ok_body(ex)
    if body is None or not isinstance(body.get("uri"), str) or not isinstance(body.get("sid"), str):
        return None
    return body["uri"], body["sid"]


@check("uri-ends-with-sid")
def uri_ends_with_sid(ex: Exchange, ctx: CheckContext) -> Outcome:
    if (found := _uri_and_sid(ex)) is None:
        return None
    uri, sid = found
    if uri.endswith("/" + sid) or uri.endswith("/" + sid + ".json"):
        return PASS
    return Failed(f"a uri ending in /{sid} or /{sid}.json", repr(uri))


def _stream_path_endings(ex: Exchange, sid: str) -> tuple[str, list[str]]:
    """The API root's path and the stream's own path under it (with and without .json), from the request."""
    collection = unquote(urlsplit(ex.url).path).rstrip("/")
    if _is_update(ex):  # .../Streams/{Sid or Name}: the collection is the path up to /Streams
        collection = collection[: collection.rfind("/Streams/") + len("/Streams")]
    cut = collection.rfind("/Accounts/")
    root, resource = collection[:cut], collection[cut:] + "/" + sid
    return root, [resource, resource + ".json"]


@check("uri-stream-path")
def uri_stream_path(ex: Exchange, ctx: CheckContext) -> Outcome:
    if (found := _uri_and_sid(ex)) is None:
        return None
    uri, sid = found
    root, endings = _stream_path_endings(ex, sid)
    expected = f"{root}{endings[0]} (optionally .json; the root may be shortened to a trailing part of its path)"
    parts = urlsplit(uri)
    if parts.query or parts.fragment or (parts.scheme and (parts.scheme not in ("http", "https") or not parts.netloc)):
        return Failed(expected, repr(uri))
    path = _uuids_folded(unquote(parts.path))
    root, endings = _uuids_folded(root), [_uuids_folded(e) for e in endings]
    for ending in endings:
        if path.endswith(ending):
            prefix = path[: -len(ending)]
            # a whole-segment tail of the root: "", "/2010-04-01", "/api/laml/2010-04-01"
            if prefix == "" or (prefix.startswith("/") and not prefix.endswith("/") and root.endswith(prefix)):
                return PASS
    return Failed(expected, repr(uri))


CLOCK_SKEW_SECONDS = 15 * 60
"""How far a new stream's date_updated may be from the suite's clock: unsynchronised clocks, not time zones."""


@check("date-current")
def date_current(ex: Exchange, ctx: CheckContext) -> Outcome:
    body = _ok_body(ex)
    if body is None or not isinstance(body.get("date_updated"), str):
        return None
    parsed = _parse_date(body["date_updated"])
    if parsed is None:
        return None  # not a date at all: date-rfc2822 reports it
    if parsed.tzinfo is None:  # "-0000": UTC, local offset unknown (RFC 5322 section 3.3)
        parsed = parsed.replace(tzinfo=UTC)
    drift = parsed.timestamp() - time.time()
    if abs(drift) <= CLOCK_SKEW_SECONDS + ex.elapsed:
        return PASS
    when = f"{abs(drift) / 3600:.1f} h {'ahead of' if drift > 0 else 'behind'} the suite's clock"
    return Failed(f"the time of the create (within {CLOCK_SKEW_SECONDS // 60} min)",
                  f"{body['date_updated']!r}, {when}")


def _error_body(ex: Exchange) -> dict | None:
    """The CompatibilityErrorResponse of a 400, 401 or 404 (or a 422 in that shape), when there is one to inspect."""
    if not isinstance(ex.json, dict):
        return None
    if ex.status == 422:
        return ex.json if "errors" not in ex.json and "code" in ex.json else None
    return ex.json if ex.status in (400, 401, 404) else None


@check("error-status-matches")
def error_status_matches(ex: Exchange, ctx: CheckContext) -> Outcome:
    body = _error_body(ex)
    if body is None or not isinstance(body.get("status"), int):
        return None
    if body["status"] == ex.status:
        return PASS
    return Failed(f"status {ex.status} in the body", f"status {body['status']}")


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    if not value or any(ch.isspace() for ch in value):
        return False
    return (parts.scheme in ("http", "https") and bool(parts.netloc)) or (not parts.scheme and value.startswith("/"))


@check("error-fields-meaningful")
def error_fields_meaningful(ex: Exchange, ctx: CheckContext) -> Outcome:
    body = _error_body(ex)
    if body is not None:
        message, more_info = body.get("message"), body.get("more_info")
        if isinstance(message, str) and not message.strip():
            return Failed("a message that says what went wrong", repr(message))
        if isinstance(more_info, str) and not _is_url(more_info):
            return Failed("more_info a URL (absolute http(s), or a path)", repr(more_info))
        return PASS
    if ex.status == 422 and isinstance(ex.json, dict) and isinstance(ex.json.get("errors"), list):
        empty = [e for e in ex.json["errors"] if isinstance(e, str) and not e.strip()]
        return Failed("every error message non-empty", repr(ex.json["errors"][:3])) if empty else PASS
    return None


@check("status-new")
def status_new(ex: Exchange, ctx: CheckContext) -> Outcome:
    body = _ok_body(ex)
    if body is None or "status" not in body or _is_update(ex):
        return None  # an update's status is the state rules' (stop-by-sid: stopped)
    if body["status"] in ("queued", "in-progress"):
        return PASS
    return Failed("queued or in-progress", repr(body["status"]))


FOREIGN_ACCOUNT_CODE = 10004
"""error-codes.mdx: "The subproject ID passed does not belong to the project used to authenticate the request"."""


def _error_code(ex: Exchange, ctx: CheckContext, status: int, code: int) -> Outcome:
    if ex.status != status or not isinstance(ex.json, dict):
        return None
    got = ex.json.get("code")
    # another account's AccountSid: SignalWire documents 10004 for exactly that, with no status
    allowed = (code, FOREIGN_ACCOUNT_CODE) if _other_account(ex, ctx) else (code,)
    return PASS if got in allowed else Failed(" or ".join(f"code {c}" for c in allowed), f"code {got!r}")


def _other_account(ex: Exchange, ctx: CheckContext) -> bool:
    """The path's AccountSid is not, as written, the project's: another account's, or the project's own in
    another letter case (the path-sid-case class), which a server may take for another account."""
    return "account-foreign" in ex.expectation.rule_ids or (
        ctx.account_sid is not None and ex.path_parameters.get("AccountSid", ctx.account_sid) != ctx.account_sid)


@check("auth-error-code")
def auth_error_code(ex: Exchange, ctx: CheckContext) -> Outcome:
    return _error_code(ex, ctx, 401, 20003)


@check("not-found-error-code")
def not_found_error_code(ex: Exchange, ctx: CheckContext) -> Outcome:
    return _error_code(ex, ctx, 404, 20404)


# --- security --------------------------------------------------------------------------------
def _watched_secrets(ex: Exchange, ctx: CheckContext) -> list[str]:
    watched = [s for s in ctx.secrets if s]
    token = (ex.sent_fields or {}).get("AuthorizationBearerToken")
    if isinstance(token, str) and len(token) >= 8:
        # a token the client also put in an echoed field (Name, a parameter) may rightly come back
        others = [str(v) for k, v in (ex.sent_fields or {}).items() if k != "AuthorizationBearerToken"]
        if not any(token in other for other in others):
            watched.append(token)
    return watched


@check("no-secret-echo")
def no_secret_echo(ex: Exchange, ctx: CheckContext) -> Outcome:
    text = ex.response_text + "\n" + "\n".join(ex.response_headers.values())
    leaked = [s for s in _watched_secrets(ex, ctx) if s in text]
    if not leaked:
        return PASS
    return Failed("no credential or bearer token in the response", f"{ex.status} contains {len(leaked)} secret(s)")


# --- the status the case's label expects ------------------------------------------------------
def _unlisted_codec(ex: Exchange) -> bool:
    """The request's StreamCodec is in the REST enum but not in stream.mdx's Supported codecs (PCMA, plain L16)."""
    codec = (ex.sent_fields or {}).get("StreamCodec")
    return isinstance(codec, str) and codec not in media_facts.SUPPORTED_CODECS



def expected_status(ex: Exchange, ctx: CheckContext) -> tuple[str, Outcome] | None:
    """The rule the exchange's expectation is about, and whether the status honoured it."""
    exp = ex.expectation
    if exp.kind is RequestKind.VALID:
        if ex.status in rules.VALIDATION_STATUSES and _unlisted_codec(ex):
            return None  # a codec the stream page does not list, refused: allowed (accept-valid-form's basis)
        default = "accept-valid-json" if ex.encoding == "json" else "accept-valid-form"
        rule_id = exp.rule_ids[0] if exp.rule_ids else default
        outcome = PASS if ex.status == 200 else Failed(f"200 for {exp.reason or 'a valid request'}", _got(ex))
        return rule_id, outcome
    if exp.kind is RequestKind.INVALID:
        rule = rules.get(exp.rule_ids[0])
        statuses = sorted(rule.rejects_with or ())
        if ex.status in statuses:
            return rule.id, PASS
        return rule.id, Failed(f"{' or '.join(map(str, statuses))} for {exp.reason}", _got(ex))
    return None  # open and probe requests: only the universal checks below judge them


@check("schema-negative-rejected")
def schema_negative_rejected(ex: Exchange, ctx: CheckContext) -> Outcome:
    """Schemathesis's own check, which knows what its negation was and reads the body as sent."""
    if ex.expectation.kind is not RequestKind.SCHEMA_NEGATIVE or ex.case is None:
        return None
    from schemathesis.core.failures import FailureGroup
    from schemathesis.specs.openapi.checks import negative_data_rejection

    try:
        ex.case.validate_response(ex.response, checks=[negative_data_rejection])
    except FailureGroup as group:
        return Failed("a 4xx for a body that breaks the schema as sent", f"{ex.status}: {group.exceptions[0].title}")
    return PASS


def evaluate(ex: Exchange, ctx: CheckContext) -> list[tuple[str, Outcome]]:
    """Every applicable rule and its outcome for one exchange."""
    results = []
    labelled = expected_status(ex, ctx)
    if labelled is not None:
        results.append(labelled)
    for rule_id, fn in REST.items():
        outcome = fn(ex, ctx)
        if outcome is not None:
            results.append((rule_id, outcome))
    return results
