"""Two runs of one plan, compared request by request: what a client could tell apart, and why.

Both sides sent the same requests in the same order (same plan, same seed); what must differ
between them (the AccountSid and ConferenceSid in the path, the run tag that prefixes Names, the
credentials) is *mapped* to a placeholder on each side, never compared. What a client observes is
then normalised where the contract allows variety (a sid's value is new on every create: its form
is compared, a UUID on both sides; a date's value is the clock's: its form is compared) and compared
aspect by aspect: status and status class, the error's shape and code, each field of a 2xx body,
the Content-Type's media type, and whether Retry-After is there.

Each difference gets one label (`DifferenceLabel`): a conformance failure on one side (a rule the
exchange was judged by failed there and not on the other side), an open point answered differently
(the request's kind is OPEN), an answer a rule allows either way (400 or 422 for a validation error),
or a difference no rule and no open point speaks to.
"""

from __future__ import annotations

import base64
import difflib
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email.utils import parsedate_tz

from conformance.contract import document as contract
from conformance.contract import rules
from conformance.records.exchange import NOT_JSON, Exchange, Judged
from conformance.records.kinds import DifferenceLabel, RequestKind
from conformance.records.outcome import PASS, Failed

from .record import RunRecord
from .redact import redact

RUN_TAG = re.compile(r"cf[0-9a-f]{6}-\d+-")
"""The prefix each run puts on the Names it sends (`Runner.name_prefix`): random per run, so mapped."""
_UUID = contract.UUID_PATTERN
_GMT_DATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                       r"\d{4} \d{2}:\d{2}:\d{2} GMT$")
STREAM_SID = re.compile("/Streams/" + contract.UUID_PATTERN.pattern)
"""A stream's sid in an Update's path (the life-cycle probe): made by each side's own create, so mapped."""
_FORM_FIELDS = {"sid": "sid", "date_updated": "date", "date_created": "date"}
"""2xx fields whose value the request does not determine: their form is compared, not their value."""
_SHOWN_WITH_STATUS = {"status", "content type", "Retry-After"}
"""When the statuses differ, every field differs with them: the status says it, and the rest is not listed."""
SIDES = ("A", "B")
SCHEMA_NEGATIVE = "schema-negative-rejected"
FIELD_RULES = {"field date_updated": ("date-rfc2822",), "field uri": ("uri-ends-with-sid", "uri-stream-path"),
               "field status": ("status-new",)}
"""2xx fields and the rules that judge their value: where both pass, the document allows either value."""
RESPONSE_SHOWN = 300
ORDER = (DifferenceLabel.FAILURE, DifferenceLabel.UNCOVERED, DifferenceLabel.OPEN_POINT, DifferenceLabel.FREEDOM)


def _replace_sid(text: str, sid: str, placeholder: str) -> str:
    """A sid in any letter case (the path-sid-case class sends it in upper case), keeping which case it was."""
    if not sid:
        return text
    text = text.replace(sid, placeholder)
    return text.replace(sid.upper(), placeholder.upper()) if sid.upper() != sid else text


@dataclass(frozen=True)
class Mapped:
    """What differs between the sides by necessity: mapped to placeholders, never compared."""

    base_url: str
    project_id: str
    account_sid: str
    conference_sids: tuple[str, ...]
    secrets: tuple[str, ...] = field(repr=False)
    basic_header: str = field(repr=False)

    def text(self, text: str) -> str:
        """`text` with this side's identities and run tag replaced by placeholders."""
        text = text.replace(self.base_url, "{base}")
        for index, sid in enumerate(self.conference_sids):
            text = _replace_sid(text, sid, "{ConferenceSid}" if index == 0 else f"{{ConferenceSid{index + 1}}}")
        text = _replace_sid(_replace_sid(text, self.account_sid, "{AccountSid}"), self.project_id, "{ProjectId}")
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "{token}")
        text = STREAM_SID.sub("/Streams/{StreamSid}", text)
        return RUN_TAG.sub("{run}-", text)


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its run's record, every exchange it judged in order, its mapping."""

    name: str
    record: RunRecord | None
    judged: tuple[Judged, ...]
    mapped: Mapped | None
    problem: str | None = None
    """Why this side's run was not made, if it was not."""
    label: str = ""
    """How the side was named on the command line (`emulator:reject_query_urls`, a target's name)."""


# --- what is mapped, and what is observed ------------------------------------------------------------
def _authorization(ex: Exchange, mapped: Mapped) -> str:
    header = ex.request_headers.get("Authorization")
    if header is None:
        return "none"
    if header == mapped.basic_header:
        return "target"
    if ex.derived:  # the authentication matrix: the variant and its noise say all, and hold no secret
        return "derived:" + ":".join(ex.derived)
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            return f"{scheme} " + mapped.text(base64.b64decode(encoded.strip(), validate=True).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            pass
    return mapped.text(header)


def request_key(ex: Exchange, mapped: Mapped) -> str:
    """The request as both sides must have sent it, identities mapped: the pairing key (never shown:
    it may hold a derived credential)."""
    return "\n".join((ex.method, mapped.text(ex.url), ex.content_type or "", _authorization(ex, mapped),
                      mapped.text(ex.request_body.decode("utf-8", "replace"))))


def _sid_form(value) -> str:
    if value is None:
        return "null"
    if not isinstance(value, str):
        return f"not a string ({type(value).__name__})"
    try:
        return "UUID" if str(uuid.UUID(value)) == value else "UUID, not in canonical form"
    except ValueError:
        return "not a UUID"


def _date_form(value) -> str:
    if value is None:
        return "null"
    if not isinstance(value, str):
        return f"not a string ({type(value).__name__})"
    if _GMT_DATE.match(value):
        return "RFC 2822, GMT"
    parsed = parsedate_tz(value)
    if parsed is None:
        return "not an RFC 2822 date"
    zone = value.rsplit(" ", 1)[-1]
    return f"RFC 2822 in another form (zone {zone}{', no weekday' if ',' not in value else ''})"


def _value(value, mapped: Mapped):
    if isinstance(value, str):
        return _UUID.sub("{uuid}", mapped.text(value)) if "/" in value else mapped.text(value)
    return value


def _error_shape(body) -> str:
    if body is NOT_JSON:
        return "not JSON"
    if isinstance(body, dict):
        return "object with " + ", ".join(sorted(body)) if body else "empty object"
    return f"JSON {type(body).__name__}"


def observe(ex: Exchange, mapped: Mapped) -> dict[str, object]:
    """What a client can observe of the answer, normalised where the contract allows variety."""
    seen: dict[str, object] = {"status class": f"{ex.status // 100}xx", "status": ex.status,
                               "content type": ex.media_type or "(none)",
                               "Retry-After": "present" if "retry-after" in {k.lower() for k in ex.response_headers}
                               else "absent"}
    body = ex.json
    if 200 <= ex.status < 300:
        if not isinstance(body, dict):
            seen["body"] = _error_shape(body)
            return seen
        for key in sorted(body):
            form = _FORM_FIELDS.get(key)
            value = body[key]
            seen[f"field {key}"] = (_sid_form(value) if form == "sid" else _date_form(value) if form == "date"
                                    else _value(value, mapped))
        return seen
    seen["error shape"] = _error_shape(body)
    if isinstance(body, dict):
        seen["error code"] = body.get("code", "(none)")
    return seen


# --- pairing ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pair:
    index: int
    a: Judged
    b: Judged


def _pairs(a: Side, b: Side) -> tuple[list[Pair], list[Judged], list[Judged]]:
    """Exchanges paired by their mapped requests, in order. Both plans are the same, so nearly every
    one pairs with the one at the same place; a sequence a side's answers changed (a probe that stops
    when its first create fails) is left unpaired, not mispaired."""
    keys_a = [request_key(j.exchange, a.mapped) for j in a.judged]
    keys_b = [request_key(j.exchange, b.mapped) for j in b.judged]
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    pairs, only_a, only_b = [], [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += [Pair(i1 + k, a.judged[i1 + k], b.judged[j1 + k]) for k in range(i2 - i1)]
        else:
            only_a += a.judged[i1:i2]
            only_b += b.judged[j1:j2]
    return _concurrent_sorted(pairs, a.mapped, b.mapped), only_a, only_b


def _concurrent_sorted(pairs: list[Pair], mapped_a: Mapped, mapped_b: Mapped) -> list[Pair]:
    """Creates sent at once (the concurrent-Name probe) may be answered in any order: within a run of
    identical probe requests, each side's answers are paired in sorted order, not in order of sending."""
    out, i = [], 0
    while i < len(pairs):
        j = i + 1
        first = pairs[i].a.exchange
        if first.expectation.kind is RequestKind.PROBE:
            key = request_key(first, mapped_a)
            while j < len(pairs) and pairs[j].a.counted and pairs[j].a.exchange.expectation.kind is RequestKind.PROBE \
                    and request_key(pairs[j].a.exchange, mapped_a) == key:
                j += 1
        run = pairs[i:j]
        if len(run) > 1:
            side_a = sorted((p.a for p in run), key=lambda x: repr(observe(x.exchange, mapped_a)))
            side_b = sorted((p.b for p in run), key=lambda x: repr(observe(x.exchange, mapped_b)))
            run = [Pair(p.index, ja, jb) for p, ja, jb in zip(run, side_a, side_b, strict=True)]
        out += run
        i = j
    return out


# --- labelling ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Difference:
    index: int
    label: DifferenceLabel
    side: str | None
    """For a failure: the side whose answer failed ('A' or 'B')."""
    subject: str
    """The rule(s), the open point, or the aspects that differ: what the difference is grouped by."""
    aspects: tuple[tuple[str, object, object], ...]
    request: str
    """The request's label: its kind, its rules, and why it was sent."""
    size: int
    curl: tuple[str, str]
    answer: tuple[str, str]
    expected_got: str = ""

    @property
    def level(self) -> rules.Level | None:
        """For a failure: MUST if any of its rules is a MUST, else SHOULD."""
        if self.label is not DifferenceLabel.FAILURE:
            return None
        levels = {rules.get(r).level for r in self.subject.split(",") if r in rules.RULES}
        return rules.Level.MUST if rules.Level.MUST in levels or not levels else rules.Level.SHOULD


def _failed(judged: Judged) -> dict[str, Failed]:
    return {rule_id: o for rule_id, o in judged.outcomes if isinstance(o, Failed)}


def _request_label(ex: Exchange) -> str:
    e = ex.expectation
    rules_part = f" {','.join(e.rule_ids)}" if e.rule_ids else ""
    return f"{e.kind}{rules_part} ({e.source}): {e.reason}".rstrip(": ")


def _freedom(ex: Exchange, differing: dict, a_obs: dict, b_obs: dict, passed_a: dict, passed_b: dict
             ) -> str | None:
    """The rule that allows both answers, if one does: the statuses of an invalid request's rules (400 or
    422), any 4xx for a body that breaks the schema, 400 or 422 for an open point both sides rejected,
    a 2xx field whose rules judged both values and passed both (a date in another RFC 2822 form, a status
    of the document's enum, a uri without .json)."""
    e = ex.expectation
    statuses = {a_obs["status"], b_obs["status"]}
    if "status" in differing and "status class" not in differing:
        if e.kind is RequestKind.INVALID and e.rule_ids:
            allowed = set().union(*(rules.get(r).rejects_with or set() for r in e.rule_ids))
            if statuses <= allowed:
                return ",".join(e.rule_ids)
        if e.kind is RequestKind.SCHEMA_NEGATIVE and all(400 <= s < 500 for s in statuses):
            return SCHEMA_NEGATIVE
        if e.kind is RequestKind.OPEN and statuses <= rules.VALIDATION_STATUSES:
            return f"{e.open_point} rejected on both sides, with 400 or 422"
    if differing and all(k in FIELD_RULES for k in differing):
        judging = sorted({r for k in differing for r in FIELD_RULES[k]})
        if all(passed_a.get(r) is PASS and passed_b.get(r) is PASS for r in judging):
            return ",".join(judging)
    return None


def _difference(pair: Pair, a: Side, b: Side, label, side, subject, aspects, expected_got="") -> Difference:
    ex_a, ex_b = pair.a.exchange, pair.b.exchange
    red_a = redact(ex_a, secrets=a.mapped.secrets, basic_header=a.mapped.basic_header)
    red_b = redact(ex_b, secrets=b.mapped.secrets, basic_header=b.mapped.basic_header)
    return Difference(pair.index, label, side, subject, tuple(aspects), _request_label(ex_a), len(ex_a.request_body),
                      (red_a.curl, red_b.curl),
                      (f"{ex_a.status} {red_a.response_body[:RESPONSE_SHOWN]}",
                       f"{ex_b.status} {red_b.response_body[:RESPONSE_SHOWN]}"), expected_got)


def differences(pair: Pair, a: Side, b: Side, probe_failures: dict | None = None) -> list[Difference]:
    """How one pair differs, labelled; [] when a client could not tell the two answers apart.
    `probe_failures`: source -> (side, rules) of the state rules that failed on one side only: a probe's
    requests whose answers differ are the evidence of that failure, and are labelled with it."""
    failed_a, failed_b = _failed(pair.a), _failed(pair.b)
    obs_a, obs_b = observe(pair.a.exchange, a.mapped), observe(pair.b.exchange, b.mapped)
    differing = {k: (obs_a.get(k, "(absent)"), obs_b.get(k, "(absent)")) for k in {*obs_a, *obs_b}
                 if obs_a.get(k, "(absent)") != obs_b.get(k, "(absent)")}
    aspects = [(k, *differing[k]) for k in sorted(differing) if k in _SHOWN_WITH_STATUS or "status" not in differing]
    found = []
    for side, mine, theirs in (("A", failed_a, failed_b), ("B", failed_b, failed_a)):
        only = sorted(set(mine) - set(theirs))
        if only:
            why = "; ".join(f"{r}: expected {mine[r].expected}, got {mine[r].got}" for r in only)
            found.append(_difference(pair, a, b, DifferenceLabel.FAILURE, side, ",".join(only), aspects, why))
    if found or not differing or not pair.a.counted:
        return found
    ex = pair.a.exchange
    kind = ex.expectation.kind
    probe = (probe_failures or {}).get(_probe_key(ex)) if kind is RequestKind.PROBE else None
    if probe:
        side, rule_ids = probe
        return [_difference(pair, a, b, DifferenceLabel.FAILURE, side, rule_ids, aspects,
                            f"the evidence of {rule_ids}, which failed on {side}")]
    freedom = _freedom(ex, differing, obs_a, obs_b, dict(pair.a.outcomes), dict(pair.b.outcomes))
    if freedom:
        return [_difference(pair, a, b, DifferenceLabel.FREEDOM, None, freedom, aspects)]
    if kind is RequestKind.OPEN and "status class" in differing:  # accepted on one side, rejected on the other
        return [_difference(pair, a, b, DifferenceLabel.OPEN_POINT, None, ex.expectation.open_point or "open",
                            aspects)]
    return [_difference(pair, a, b, DifferenceLabel.UNCOVERED, None, _subject(aspects), aspects)]


_VALUED = {"status", "error code", "error shape", "content type", "Retry-After", "field sid", "field date_updated",
           "field date_created", "field status"}


def _subject(aspects) -> str:
    """What an uncovered difference is grouped by: the aspects, with their values where those are few."""
    return "; ".join(f"{k}: {a} vs {b}" if k in _VALUED else k for k, a, b in aspects)


# --- the comparison ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    label: DifferenceLabel
    side: str | None
    subject: str
    count: int
    smallest: Difference


@dataclass(frozen=True)
class Comparison:
    sides: tuple[Side, Side]
    under_test: str
    """'A' or 'B': the side whose failures fail the comparison (the other is the reference)."""
    paired: int
    identical: int
    differences: tuple[Difference, ...]
    only: tuple[int, int]
    """Exchanges one side judged that the other did not (a sequence the answers changed, a budget)."""

    @property
    def seed(self) -> int | None:
        record = self.sides[0].record
        return record.seed if record else None

    def counts(self) -> dict[str, int]:
        tally = Counter(self._key(d) for d in self.differences)
        return {key: tally[key] for key in self.label_keys() if tally[key]}

    @staticmethod
    def _key(d: Difference) -> str:
        return f"{d.label} ({d.side})" if d.side else str(d.label)

    def label_keys(self) -> list[str]:
        keys = []
        for label in ORDER:
            keys += [f"{label} ({s})" for s in SIDES] if label is DifferenceLabel.FAILURE else [str(label)]
        return keys

    @property
    def failures_under_test(self) -> list[Difference]:
        """The side under test's failures of MUST rules not waived: what fails a comparison (a SHOULD
        deviation, or a waived one, is shown, labelled, and does not fail it, as in a single run)."""
        record = self.sides[SIDES.index(self.under_test)].record

        def waived(d: Difference) -> bool:  # the side's own --waivers: an accepted deviation fails no comparison
            return record is not None and all(r in record.results.by_rule and record.results.is_waived(r)
                                              for r in d.subject.split(","))

        return [d for d in self.differences if d.label is DifferenceLabel.FAILURE and d.side == self.under_test
                and d.level is rules.Level.MUST and not waived(d)]

    @property
    def differing_requests(self) -> int:
        return self.paired - self.identical

    def groups(self) -> list[Group]:
        """Differences grouped by label, side and subject (rule, open point, aspects), each with the
        smallest request that shows it; the side under test's failures first, then by count."""
        grouped: dict[tuple, list[Difference]] = {}
        for d in self.differences:
            grouped.setdefault((d.label, d.side, d.subject), []).append(d)
        groups = [Group(label, side, subject, len(items), min(items, key=lambda d: (d.size, d.index)))
                  for (label, side, subject), items in grouped.items()]

        def rank(g: Group):
            return (ORDER.index(g.label), g.side != self.under_test, -g.count, g.subject)

        return sorted(groups, key=rank)


def _probe_key(ex: Exchange) -> str:
    """Which probe sent an exchange: its source and its reason, the run tag mapped."""
    return ex.expectation.source + " " + RUN_TAG.sub("{run}-", ex.expectation.reason)


def _probe_failures(pairs: list[Pair], a: Side, b: Side) -> dict[str, tuple[str, str]]:
    """The state rules that failed on one side only, by the probe (source) that gathered their evidence."""
    found = {}
    for pair in pairs:
        if pair.a.counted:
            continue
        for d in differences(pair, a, b):
            if d.label is DifferenceLabel.FAILURE:
                found[_probe_key(pair.a.exchange)] = (d.side, d.subject)
    return found


def compare(a: Side, b: Side, *, under_test: str = "B") -> Comparison:
    pairs, only_a, only_b = _pairs(a, b)
    probes = _probe_failures(pairs, a, b)
    found: list[Difference] = []
    identical = 0
    for pair in pairs:
        these = differences(pair, a, b, probes)
        found += these
        identical += not these and pair.a.counted
    paired = sum(p.a.counted for p in pairs)
    return Comparison((a, b), under_test, paired, identical, tuple(found), (len(only_a), len(only_b)))
