"""Probes of issue 19's run side: the stream's life cycle (Update a Conference Stream), the Name's scope
(another conference), and the token's scope (a token without Voice).

Each gathers evidence (`records.evidence`) and returns what it judged; `checks.state` judges the
sequence, and every answer, updates included, is judged by the REST checks like a create's. The
life-cycle probe stops streams, so the plan offers it only with --lifecycle.
"""

from __future__ import annotations

import uuid

from conformance.common.wire import basic_header
from conformance.records.evidence import OtherConference, ScopelessCreate, Stopped, UpdateAnswer
from conformance.records.exchange import Exchange, Expectation, Findings, Judged
from conformance.records.kinds import RequestKind
from strategies import StreamRequest

from .probes import _state_verdict, _stop_created
from .runner import Runner

NAME_AFTER_STOP = "name-after-stop"


def _create(runner: Runner, name: str, *, kind: RequestKind = RequestKind.VALID, conference: str | None = None,
            authorization: str | None = None, reason: str = "", open_point: str | None = None) -> Exchange:
    """A create with exactly this Name, in `conference` (default: the first), sent like every other case."""
    request = StreamRequest(fields={"Url": "wss://media.example.com/lifecycle", "Name": name},
                            conference_sid=conference, authorization=authorization)
    ids = (open_point,) if open_point else ()
    expectation = Expectation(kind, ids, "probe:lifecycle", reason or f"a create named {name!r}")
    return runner.send(runner.case_for(request, unique_name=False), expectation)


def update(runner: Runner, segment: str, fields: dict[str, str], reason: str) -> Exchange:
    """Update a Conference Stream in the first conference: POST .../Streams/{segment} (a sid, or a Name)."""
    return runner.update(segment, fields, Expectation(RequestKind.PROBE, (), "probe:lifecycle", reason))


def stream_life_cycle(runner: Runner) -> Findings:
    """Stop by sid, reuse the Name (an open point), stop by Name, stop an unknown sid, and a Status not stopped."""
    judged: list[Judged] = []
    prefix = runner.name_prefix()

    # stop by sid, then a create reusing the stopped stream's Name: whether it is free again is not documented
    first = _create(runner, prefix + "stop-sid")
    judged.append(runner.judge(first))
    if first.created_sid:
        stop = update(runner, first.created_sid, {"Status": "stopped"}, "stop by sid")
        judged += [runner.judge(stop), *_state_verdict(stop, "stop-by-sid", Stopped(first, stop, "sid"))]
        again = _create(runner, prefix + "stop-sid", kind=RequestKind.OPEN, open_point=NAME_AFTER_STOP,
                        reason="a create reusing the Name of a stream just stopped")
        judged.append(runner.judge(again))
        _stop_created(runner, [again])

    # stop by Name: the Name in the {Sid} segment
    named = _create(runner, prefix + "stop-name")
    judged.append(runner.judge(named))
    if named.created_sid:
        stop = update(runner, prefix + "stop-name", {"Status": "stopped"}, "stop by Name")
        judged += [runner.judge(stop), *_state_verdict(stop, "stop-by-name", Stopped(named, stop, "name"))]
        if stop.status != 200:
            _stop_created(runner, [named])

    unknown = update(runner, str(uuid.uuid4()), {"Status": "stopped"}, "stop a sid that does not exist")
    judged += [runner.judge(unknown), *_state_verdict(unknown, "stop-unknown-404", UpdateAnswer(unknown))]

    live = _create(runner, prefix + "bad-status")
    judged.append(runner.judge(live))
    if live.created_sid:
        wrong = update(runner, live.created_sid, {"Status": "in-progress"}, "Status in-progress (only stopped)")
        judged += [runner.judge(wrong), *_state_verdict(wrong, "stop-status-only-stopped", UpdateAnswer(wrong))]
        _stop_created(runner, [live])
    return Findings(judged)


def name_in_other_conference(runner: Runner) -> Findings:
    """A Name live in the first conference, created again in the second: unique "per Conference"."""
    found = Findings()
    conferences = runner.target.conference_sids
    if len(conferences) < 2:
        found.notes.append("name-per-conference is N/A: it needs a second conference (repeat --conference-sid, "
                           "or list two in CONFORMANCE_CONFERENCE_SID)")
        return found
    # the preflight tried the first conference only: a second that is gone or not in progress is the run's set-up,
    # not the target's fault, so a plain create there comes first
    usable = _create(runner, runner.name_prefix() + "second-conference", conference=conferences[1],
                     kind=RequestKind.PROBE,
                     reason="a valid create in the second conference (is it there, and in progress?)")
    found.judged.append(runner.judge(usable))
    if usable.status != 200:
        found.notes.append(f"name-per-conference is N/A: a plain create in the second conference {conferences[1]} "
                           f"was answered {usable.status}, not 200 (is the conference there, and in progress?)")
        return found
    runner.stop_stream(runner.target.account_sid, conferences[1], usable.created_sid)
    name = runner.name_prefix() + "per-conference"
    first = _create(runner, name, conference=conferences[0])
    found.judged.append(runner.judge(first))
    if first.status != 200:
        return found
    second = _create(runner, name, conference=conferences[1],
                     reason=f"a create named {name!r} in the second conference, while live in the first")
    found.judged.extend([runner.judge(second),
                         *_state_verdict(second, "name-per-conference", OtherConference(first, second))])
    _stop_created(runner, [first])
    if second.created_sid:
        runner.stop_stream(runner.target.account_sid, conferences[1], second.created_sid)
    return found


def scopeless_token(runner: Runner) -> Findings:
    """A valid create with a token that lacks the Voice scope must not succeed."""
    found = Findings()
    token = runner.target.scopeless_token
    if not token:
        found.notes.append("token-scope is N/A: it needs a second API token without the Voice scope "
                           "(--scopeless-token or SIGNALWIRE_SCOPELESS_TOKEN)")
        return found
    ex = _create(runner, runner.name_prefix() + "scopeless", kind=RequestKind.PROBE,
                 authorization=basic_header(runner.target.project_id, token),
                 reason="a valid create with a token without the Voice scope")
    found.judged.extend([runner.judge(ex), *_state_verdict(ex, "token-scope", ScopelessCreate(ex))])
    _stop_created(runner, [ex])
    return found
