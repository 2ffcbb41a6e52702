"""A short reproduction for a failure: drop optional fields while the same rule still fails.

Hypothesis does not shrink here (the suite records failures instead of raising, so that every
example of the budget is sent and counted); this greedy pass, at most a few requests per failing
rule, gives the report a request a person can read. The fields a label's rule is about are
never dropped, or the request would stop breaking it.
"""

from __future__ import annotations

from dataclasses import replace

from conformance.contract.document import PARAMETER_KEY
from conformance.records.exchange import Exchange
from conformance.records.outcome import Failed
from strategies import StreamRequest
from strategies._invalid import broken_fields

from .runner import Runner

_PARAM = PARAMETER_KEY
MAX_TRIES = 12


def _protected(request: StreamRequest) -> set[str]:
    return {"Url"} | broken_fields(request)


def _groups(request: StreamRequest) -> list[list[str]]:
    protected = _protected(request)
    params = [k for k in request.fields if _PARAM.match(k) and k not in protected]
    others = [[k] for k in request.fields if not _PARAM.match(k) and k not in protected]
    return ([params] if params else []) + others


def minimize(runner: Runner, request: StreamRequest, rule_id: str) -> list[tuple[Exchange, Failed]]:
    """Smaller variants of `request` that still fail `rule_id`, each smaller than the one before: further
    examples of the rule, already counted, for the run to keep."""
    current, tries, found = request, 0, []
    for group in _groups(request):
        if tries >= MAX_TRIES:
            break
        candidate = replace(current, fields={k: v for k, v in current.fields.items() if k not in group})
        tries += 1
        exchange = runner.send(runner.case_for(candidate), runner.expectation_for(candidate), request=candidate)
        failed = dict(runner.judge(exchange).outcomes).get(rule_id)
        if isinstance(failed, Failed):
            current = candidate
            found.append((exchange, failed))
    return found
