"""The run's plan: a coverage set first, then breadth before depth, Schemathesis's phases last.

The coverage set offers every rule of the registry at least once, as early as possible: the
rules a request breaks (one example each, the simplest, which is usually the most telling), every
enum value, the custom-parameter boundaries (`Parameter1`, `Parameter99`, all 99, `Parameter100`),
empty and very long values, both encodings, the request-level cases, a Schemathesis negative case,
the Name-uniqueness probes and the registry's open points. It is built from the registry and the
strategies, not from a list here: a rule added to `rules.REQUEST_RULES` with a strategy, or an open
point with its strategy, joins the plan by itself.

After it, the depth phase goes round by round: each round draws one more example for every
stream (valid form, valid JSON, each breakable rule, each open point), so a budget that ends
early has spread itself across rules instead of spending itself on the first one. Schemathesis's
coverage and fuzzing phases come after. Every draw is keyed by the seed, the stream and the round.

A step *offers* rules: the rules its answer is judged by. A rule no sent step offered, and that no
check judged, was not run; the reports say so, and a run that left a MUST rule not run does not
pass (see `Results.exit_code`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from hypothesis import strategies as st

import strategies
from conformance.contract import document as contract
from conformance.contract import model, rules
from conformance.records.kinds import RequestKind, StepKind
from strategies import StreamRequest

from .draw import Exhausted, draw, simplest

PREFLIGHT_COST = 1
COVERAGE_BUDGET = 127
"""The most the coverage set may cost, preflight included, without the probes that need a second conference, a
token without Voice, or --lifecycle (each adds its own, up to 8 and 12 requests). It was 80. The dimension model
(`conformance.contract.dimensions`) sends each kind of a class once instead of sampling it, since the defects it
missed hid in kinds a sample skipped (both IPv6 hosts, a Content-Type with a parameter, swapped credentials), the
Name's life gained a refused create, and enum-whitespace (a SHOULD rule of its own) its one request. The set is
ordered so that every MUST rule is decided within its first 80 requests (`tests/test_planner.py`): a budget of 80
is still a complete verdict."""
NARROW_ROUNDS = 1
"""Depth rounds for a narrow stream: its case is fixed, and the coverage set already sent its simplest
example; one drawn example more varies the body around it, more would mostly repeat it."""
_BOUNDARY_URL = "wss://media.example.com/stream"

# --- which rules a step's answer is judged by -----------------------------------------------
_UNIVERSAL_AREAS = (rules.Area.ROBUSTNESS, rules.Area.SECURITY, rules.Area.RESPONSE)


def _unbreakable(*areas: rules.Area) -> frozenset[str]:
    return frozenset(r.id for r in rules.RULES.values() if not r.breakable and r.area in areas)


UNIVERSAL = _unbreakable(*_UNIVERSAL_AREAS)
"""Rules every answer is judged by (status, content type, schema, body fields, secrets)."""
AUTH_ANSWERS = _unbreakable(rules.Area.AUTH) - rules.PROBE_RULE_IDS
"""Rules judged on the answers to request-level cases (the error codes of 401 and 404)."""
STATE = _unbreakable(rules.Area.STATE)
MEDIA = frozenset(rules.MEDIA_RULE_IDS)
SCHEMA_NEGATIVE = "schema-negative-rejected"


def accept_rule(encoding: str) -> str:
    return "accept-valid-json" if encoding == "json" else "accept-valid-form"


def offers_for(request: StreamRequest) -> frozenset[str]:
    """The rules a request's answer is judged by, from its position (`StreamRequest.kind`)."""
    kind = request.kind
    if kind is RequestKind.INVALID:
        labelled = set(request.rule_ids)
        extra = AUTH_ANSWERS if any(rules.get(r).area is rules.Area.AUTH for r in labelled) else frozenset()
        return UNIVERSAL | labelled | extra
    if kind is RequestKind.OPEN:
        return UNIVERSAL
    return UNIVERSAL | {request.accepted_by or accept_rule(request.encoding)}


# --- steps -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One thing the run does. `cost`: the most requests it may send; `offers`: the rules its
    answers are judged by; `gates`: the rules that count as exercised in full only once it was sent."""

    name: str
    kind: StepKind
    offers: frozenset[str]
    cost: int = 1
    request: StreamRequest | None = None
    case: object = None
    probe: Callable | None = None
    open_point: str | None = None

    @property
    def gates(self) -> frozenset[str]:
        """The rules this step must have been sent for them to count as exercised in full. The
        universal rules are judged on every answer; they wait for the requests built for coverage
        (enum values, boundaries, encodings), not for the probes or the open points."""
        if self.kind in (StepKind.PROBE, StepKind.MEDIA) or self.open_point is not None:
            return self.offers - UNIVERSAL
        return self.offers


def request_step(name: str, request: StreamRequest) -> Step:
    """A labelled request: its own label (must reject, open, or must accept) is its expectation."""
    return Step(name, StepKind.REQUEST, offers_for(request), request=request, open_point=request.open_point)


def _valid(fields: dict, encoding: str, reason: str) -> StreamRequest:
    return StreamRequest(fields={"Url": _BOUNDARY_URL, **fields}, encoding=encoding, reason=reason)


def _params(indices) -> dict:
    fields = {}
    for i in indices:
        fields[f"Parameter{i}.Name"] = f"p{i}"
        fields[f"Parameter{i}.Value"] = f"v{i}"
    return fields


def enum_steps() -> list[Step]:
    """Every enum value of every enum field, in as few valid requests as the longest enum."""
    enums = {f: contract.enum_values(f) for f in contract.ENUM_FIELDS}
    width = max(len(v) for v in enums.values())
    steps = []
    for i in range(width):
        encoding = "form" if i % 2 == 0 else "json"
        fields = {f: values[i % len(values)] for f, values in enums.items()}
        fields["StatusCallback"] = "https://callbacks.example.com/status"
        fields["Name"] = f"cover-{i + 1}"
        steps.append(request_step(f"enum values {i + 1}/{width} ({encoding})",
                                  _valid(fields, encoding, "every enum value: " + ", ".join(fields.values()))))
    return steps


def boundary_steps() -> list[Step]:
    """The custom-parameter limit from both sides, and empty and very long values.

    Text at its boundaries has its own steps (`text_steps`): the registry's must-accept classes,
    and the open points, where either answer conforms."""
    limit = contract.max_custom_parameters()
    steps = [
        request_step("boundary Parameter1", _valid(_params([1]), "form", "Parameter1 only")),
        request_step(f"boundary Parameter{limit}", _valid(_params([limit]), "json", f"Parameter{limit} only")),
        request_step(f"boundary all {limit} parameters",
                     _valid(_params(range(1, limit + 1)), "form", f"all {limit} custom parameters")),
        request_step(f"boundary Parameter{limit + 1}", StreamRequest(
            fields={"Url": _BOUNDARY_URL, **_params([limit + 1])}, rule_ids=("custom-params-max",),
            reason=f"Parameter{limit + 1}: one past the limit of {limit}")),
    ]
    return steps


def _rule_strategy(rule: rules.Rule, encoding=None) -> st.SearchStrategy[StreamRequest] | None:
    """The strategy that breaks `rule`, whichever family of strategies has it."""
    for maker in (strategies.invalid_stream_requests, strategies.request_level_cases):
        try:
            return maker(rule.id, encoding)
        except ValueError:  # not this family's rule
            continue
        except TypeError:  # a family that takes no encoding
            try:
                return maker(rule.id)
            except ValueError:
                continue
    return None


_SIMPLEST: dict[str, StreamRequest] = {}
"""The simplest example of each coverage strategy that does not depend on the target, by its key: the same in
every plan of a process whatever the seed, and drawing it was most of the planner's cost (a second per plan;
the project's tests plan about two hundred runs in a few processes). Not kept when the simplest was refused
and a seeded draw stood in for it."""


def _simplest_request(key: str, make: Callable[[], st.SearchStrategy | None], seed: int) -> StreamRequest | None:
    """None when `make` has no strategy (a rule no family of strategies breaks)."""
    if key not in _SIMPLEST:
        strategy = make()
        if strategy is None:
            return None
        request = simplest(strategy, seed, key, fallback=False)
        if request is None:
            return draw(strategy, seed, key)
        _SIMPLEST[key] = request
    return _SIMPLEST[key]


def breaker_steps(seed: int, level: rules.Level) -> list[Step]:
    """One request per breakable rule of `level`, the simplest its strategy has, form-encoded (the
    encoding the operation declares; JSON is a SHOULD, and the depth rounds draw both)."""
    steps = []
    for rule in (r for r in rules.REQUEST_RULES if r.level is level):
        try:
            request = _simplest_request(f"cover/{rule.id}", lambda r=rule: _rule_strategy(r, "form"), seed)
        except Exhausted:
            continue
        if request is None:
            continue
        steps.append(request_step(f"rule {rule.id}", request))
    return steps


def _simplest_steps(seed: int, label: str, makers: dict[str, Callable[[], st.SearchStrategy]]) -> list[Step]:
    steps = []
    for key, make in makers.items():
        try:
            request = _simplest_request(f"cover/{label}/{key}", make, seed)
        except Exhausted:
            continue
        steps.append(request_step(f"{label} {key}", request))
    return steps


def _makers(ids, maker) -> dict[str, Callable[[], st.SearchStrategy]]:
    return {key: (lambda k=key: maker(k)) for key in ids}


def matrix_steps(seed: int) -> list[Step]:
    """Every kind of credentials derived from the real ones (near misses, the scheme's case, spacing)."""
    return _simplest_steps(seed, "credentials", _makers(strategies.AUTH_MATRIX, strategies.auth_matrix_cases))


def text_steps(seed: int) -> list[Step]:
    """The registry's must-accept text classes, each echoed back exactly."""
    return _simplest_steps(seed, "text", _makers(strategies.BOUNDARY_CLASS_IDS, strategies.boundary_stream_requests))


def open_point_steps(seed: int) -> list[Step]:
    sent = _enumerated_open_points()  # sent member by member elsewhere in the coverage set: one draw adds nothing
    return _simplest_steps(seed, "open point", _makers([p for p in strategies.OPEN_POINT_IDS if p not in sent],
                                                       strategies.open_stream_requests))


def _enumerated_open_points() -> set[str]:
    """Open points whose every kind the coverage set sends anyway: the credential matrix's (every kind), and
    the dimension model's classes enumerated in the coverage set (e.g. each url-ip-literal address)."""
    from conformance.contract import dimensions

    points = {p for p in strategies.AUTH_MATRIX_JUDGED_BY.values() if p in rules.OPEN_POINTS}
    points |= {c.judged_by for c in dimensions.CLASSES.values() if c.position is rules.Position.OPEN
               and c.source.startswith("members:") and dimensions.coverage_members(c)}
    return points


def schemathesis_cover_steps(runner, seed: int) -> list[Step]:
    """One case of Schemathesis's negative generation (its simplest), so the negative rule is
    judged even when the budget stops the run before Schemathesis's own phases. Its coverage
    phase would give a case as well, but builds all of them first: seconds, for one request."""
    strategy = model.operation(runner.schema).as_strategy(
        model.MODES["negative"], media_type=model.FORM,
        path_parameters={"AccountSid": runner.target.account_sid, "ConferenceSid": runner.target.conference_sid},
        headers={"Authorization": runner.target.basic_header})
    try:
        case = simplest(strategy, seed, "cover/schemathesis-negative")
    except Exhausted:
        return []
    return [Step("schemathesis negative", StepKind.SCHEMATHESIS, UNIVERSAL | {SCHEMA_NEGATIVE}, case=case)]


def _member_sources() -> tuple[dict, dict]:
    """(coverage, depth): (members class, kind) -> the dimension class ids that send it, each pair once."""
    from conformance.contract import dimensions

    coverage: dict[tuple[str, str], list[str]] = {}
    depth: dict[tuple[str, str], list[str]] = {}
    for cls in dimensions.CLASSES.values():
        if not cls.source.startswith("members:"):
            continue
        source = cls.source.removeprefix("members:")
        every = cls.members or tuple(strategies.members(source))
        first = dimensions.coverage_members(cls) or (() if cls.coverage == () else every)
        for kind in every:
            (coverage if kind in first else depth).setdefault((source, kind), []).append(cls.id)
    for key in coverage:
        depth.pop(key, None)
    return coverage, depth


def dimension_steps(seed: int) -> list[Step]:
    """One step per coverage member of the dimension model (`conformance.contract.dimensions`): each kind of
    a class sent once, not sampled. (The sequences the model names are probes of their own: `probe_steps`,
    `lifecycle_steps`.) The other members are depth streams (`dimension_streams`)."""
    coverage, _ = _member_sources()
    return [request_step(f"class {source}:{kind}", strategies.members(source)[kind]) for source, kind in coverage]


def dimension_streams() -> dict[str, Callable[[], st.SearchStrategy]]:
    """The members the coverage set leaves out, one narrow depth stream each (sent once, in round 1)."""
    _, depth = _member_sources()
    return {f"class:{source}:{kind}": (lambda s=source, k=kind: st.just(strategies.members(s)[k]))
            for source, kind in depth}


PAIR_BODIES = {
    "all-parameters": lambda limit: _params(range(1, limit + 1)),
    "every-field": lambda limit: {"Name": "pair-\U0001F600", "StatusCallback": "https://callbacks.example.com/s",
                                  "Track": "both_tracks", "StreamCodec": "L16@16000h", "StatusCallbackMethod": "GET",
                                  "StreamRealTime": True, "AuthorizationBearerToken": "bt_pair", **_params([1, limit])},
}
"""Must-accept bodies at an extreme of their own dimension, to pair with each Content-Type kind."""


def pair_streams() -> dict[str, Callable[[], st.SearchStrategy]]:
    """Pairs of dimensions, after the singles: each kind of the must-accept Content-Type class with each must-accept
    body at an extreme (all 99 parameters; every field at once), two classes in one request. A server can handle
    each alone and still fail the pair (a parameterised media type that routes to a parser with a small limit)."""
    limit = contract.max_custom_parameters()
    pairs = {}
    for kind, typed in strategies.members("content-type-variants").items():
        for body, fields in PAIR_BODIES.items():
            request = replace(typed, fields={**typed.fields, **fields(limit)}, member=None, raw_body=None,
                              reason=f"pair: Content-Type {typed.content_type_override!r} with {body}")
            pairs[f"pair:{kind}+{body}"] = (lambda r=request: st.just(r))
    return pairs


def probe_steps() -> list[Step]:
    from . import probes

    return [
        Step("probe a Name's life (refused, taken, duplicated)", StepKind.PROBE,
             UNIVERSAL | {"name-free-after-refusal", "name-unique"}, cost=6, probe=probes.name_sequence),
        Step("probe concurrent duplicate Name", StepKind.PROBE, UNIVERSAL | {"name-unique-concurrent"},
             cost=2 * probes.CONCURRENT_CREATES, probe=probes.concurrent_duplicate_name),
    ]


def lifecycle_steps(target, lifecycle: bool) -> list[Step]:
    """Issue 19's probes: the Name in another conference and the token without Voice (N/A, sending nothing and
    so planned at no cost, without a second conference or that token), and with --lifecycle the stream's stops
    (they change state)."""
    from . import lifecycle_probe

    other_conference = len(target.conference_sids) > 1
    steps = [
        Step("probe Name in another conference", StepKind.PROBE, UNIVERSAL | {"name-per-conference"},
             cost=6 if other_conference else 0, probe=lifecycle_probe.name_in_other_conference),
        Step("probe token without the Voice scope", StepKind.PROBE, UNIVERSAL | {"token-scope"},
             cost=2 if target.scopeless_token else 0, probe=lifecycle_probe.scopeless_token),
    ]
    if lifecycle:
        steps.append(Step("probe stream life cycle (stops)", StepKind.PROBE,
                          UNIVERSAL | set(rules.LIFECYCLE_RULE_IDS), cost=12, probe=lifecycle_probe.stream_life_cycle))
    return steps


def media_step() -> Step:
    from .media_probe import run_media

    return Step("media streams", StepKind.MEDIA, MEDIA | UNIVERSAL, cost=40, probe=run_media)


def minimal_steps() -> list[Step]:
    return [request_step("valid minimal (form)", _valid({}, "form", "only a Url")),
            request_step("valid minimal (json)", _valid({}, "json", "only a Url"))]


# --- the plan ----------------------------------------------------------------------------------------
@dataclass
class Plan:
    seed: int
    coverage: list[Step]
    streams: dict[str, Callable[[], st.SearchStrategy]]
    """Depth streams: name -> its strategy's maker (built once, when first drawn)."""
    rounds: int
    narrow: frozenset[str] = frozenset()
    """Streams whose kind is fixed by their name (one credentials variant, one text class, one open
    point): only the body around it varies, so they get `NARROW_ROUNDS` rounds, not `rounds`."""
    media: bool = False
    expected: frozenset[str] = field(default_factory=frozenset)
    """The rules this run is expected to exercise (media rules only with --media)."""
    _built: dict = field(default_factory=dict, repr=False)

    def gates(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for step in self.coverage:
            for rule_id in step.gates:
                counts[rule_id] = counts.get(rule_id, 0) + 1
        return counts

    @property
    def coverage_cost(self) -> int:
        return PREFLIGHT_COST + sum(step.cost for step in self.coverage)

    def reachable(self, budget: int | None) -> tuple[list[Step], set[str]]:
        """The coverage steps a budget reaches, and the expected rules it cannot reach."""
        if budget is None:
            return list(self.coverage), set()
        spent, reached = PREFLIGHT_COST, []
        for step in self.coverage:
            if spent + step.cost > budget:
                break
            spent += step.cost
            reached.append(step)
        left = self.coverage[len(reached):]
        cut = set().union(*(s.gates for s in left)) if left else set()
        return reached, set(self.expected) & cut

    def depth(self) -> Iterator[tuple[str, int, StreamRequest]]:
        """(stream, round, request) round by round: breadth before depth."""
        seen: set = set()
        for round_no in range(1, self.rounds + 1):
            for name, make in self.streams.items():
                if name in self.narrow and round_no > NARROW_ROUNDS:
                    continue
                request = self._fresh(name, make, round_no, seen)
                if request is not None:
                    yield name, round_no, request

    def _fresh(self, name, make, round_no, seen) -> StreamRequest | None:
        if name not in self._built:
            self._built[name] = make()
        strategy = self._built[name]
        for attempt in range(3):  # a small space repeats itself; an exact repeat teaches nothing
            try:
                request = draw(strategy, self.seed, f"{name}/{round_no}/{attempt}")
            except Exhausted:
                return None
            # a kind of a class is sent as itself even when another class's kind has the same bytes
            key = (request.member, request.encoding, request.body_bytes(), repr(request.authorization),
                   request.account_sid, request.conference_sid)
            if key not in seen:
                seen.add(key)
                return request
        return None

    def describe(self, budget: int | None) -> list[str]:
        reached, unreachable = self.reachable(budget)
        lines = [f"plan: coverage set of {len(self.coverage)} steps, at most {self.coverage_cost} requests "
                 f"(preflight included), offering {len(self._offered())} of {len(self.expected)} rules; then "
                 f"{self.rounds} round(s) over {len(self.streams)} streams, then Schemathesis's phases"]
        if budget is not None and len(reached) < len(self.coverage):
            lines.append(f"plan: the budget of {budget} requests reaches {len(reached)} of the "
                         f"{len(self.coverage)} coverage steps")
        if unreachable:
            must = sorted(r for r in unreachable if rules.get(r).level is rules.Level.MUST)
            lines.append(f"plan: the budget cannot reach {len(unreachable)} rule(s) in full, which will be NOT RUN "
                         f"or PARTIAL ({len(must)} MUST): {', '.join(sorted(unreachable))}")
        return lines

    def _offered(self) -> set[str]:
        return set().union(*(s.offers for s in self.coverage)) & set(self.expected)

    def listing(self) -> list[str]:
        """--dry-run: every coverage step, in order, with the rules it offers."""
        lines, spent = [], PREFLIGHT_COST
        for i, step in enumerate(self.coverage, 1):
            spent += step.cost
            named = sorted(step.offers - UNIVERSAL) or ["(universal rules)"]
            lines.append(f"  {i:>3}. {step.name:<46} <= {spent:>3} requests  {', '.join(named)}")
        return lines


def expected_rules(media: bool, lifecycle: bool = False) -> frozenset[str]:
    return frozenset(r for r in rules.RULES if (media or r not in MEDIA)
                     and (lifecycle or r not in rules.LIFECYCLE_RULE_IDS))


def build(runner, *, seed: int, rounds: int, media: bool = False, lifecycle: bool = False) -> Plan:
    """The plan for a run: the coverage set in the order that reaches the MUST rules first."""
    must = rules.Level.MUST
    scoped = lifecycle_steps(runner.target, lifecycle)
    free = [s for s in scoped if s.cost == 0]  # N/A here, sending nothing: first, so no budget can cut them
    coverage = (free + minimal_steps() + breaker_steps(seed, must) + schemathesis_cover_steps(runner, seed)
                + enum_steps() + boundary_steps() + ([media_step()] if media else [])
                + breaker_steps(seed, rules.Level.SHOULD) + matrix_steps(seed) + text_steps(seed))
    dimensions_ = dimension_steps(seed)  # its judged classes before the probes and open points, its open ones last
    coverage += ([s for s in dimensions_ if s.open_point is None] + probe_steps()
                 + [s for s in scoped if s.cost] + open_point_steps(seed)
                 + [s for s in dimensions_ if s.open_point is not None])
    streams: dict[str, Callable[[], st.SearchStrategy]] = {
        "valid:form": lambda: strategies.stream_requests("form"),
        "valid:json": lambda: strategies.stream_requests("json"),
    }
    for rule in rules.REQUEST_RULES:
        if _rule_strategy(rule) is not None:
            streams[f"rule:{rule.id}"] = (lambda r=rule: _rule_strategy(r))
    for prefix, makers in (("credentials", _makers(strategies.AUTH_MATRIX, strategies.auth_matrix_cases)),
                           ("text", _makers(strategies.BOUNDARY_CLASS_IDS, strategies.boundary_stream_requests)),
                           ("open", _makers(strategies.OPEN_POINT_IDS, strategies.open_stream_requests))):
        for key, make in makers.items():
            streams[f"{prefix}:{key}"] = make
    streams.update(dimension_streams())
    streams.update(pair_streams())  # the depth rounds walk the singles first, then the pairs
    narrow = frozenset(n for n in streams if n.startswith(("credentials:", "text:", "open:", "class:", "pair:")))
    return Plan(seed, coverage, streams, rounds, narrow=narrow, media=media,
                expected=expected_rules(media, lifecycle))
