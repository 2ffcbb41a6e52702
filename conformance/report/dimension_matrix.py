"""Coverage by dimension: every dimension of a request (`contract.dimensions`), each class along it with its
position, and what the run sent there: each kind of the class, or the requests its rule or open point
labelled, and the answers the target gave. A class nothing was sent for is a gap."""

from __future__ import annotations

from collections import Counter

import strategies
from conformance.contract import dimensions, rules
from conformance.contract import document as contract

from .coverage import boundary_labels


def _answers(counter: Counter) -> dict[str, int]:
    return {str(k): v for k, v in sorted(counter.items(), key=lambda kv: str(kv[0]))}


def _members(model, results) -> dict[str, dict] | None:
    """kind -> {requests, answers} for a class whose kinds the run tells apart; None for the others."""
    coverage = results.coverage
    if model.source.startswith("members:"):
        source = model.source.removeprefix("members:")
        kinds = model.members or tuple(strategies.members(source))
        return {k: _sent(coverage.members.get((source, k), Counter())) for k in kinds}
    if model.source == "planner:enum_steps":
        field = model.id.split("/")[0].removeprefix("body.")
        return {v: {"requests": coverage.enums[field][v], "answers": {}} for v in contract.enum_values(field)}
    if model.source == "planner:boundary_steps":
        return {label: {"requests": coverage.boundaries[label], "answers": {}} for label in boundary_labels()}
    return None


def _sent(counter: Counter) -> dict:
    return {"requests": sum(counter.values()), "answers": _answers(counter)}


def _whole(model, results) -> dict:
    """For a class the run does not tell apart by kind: the requests labelled with its rule or open point."""
    coverage = results.coverage
    if model.source == "schemathesis:negative":  # Schemathesis's negated bodies: judged by its own check
        result = results.by_rule["schema-negative-rejected"]
        return {"requests": result.passed + result.failed, "answers": {}}
    if model.source.startswith("probe:"):
        result = results.by_rule.get(model.judged_by)
        if result is not None:  # a state rule: judged on a probe's sequence, not on one request's answer
            return {"requests": result.passed + result.failed, "answers": {}}
        return _sent(coverage.open_points.get(model.judged_by, Counter()))
    if model.position is rules.Position.OPEN:
        return _sent(coverage.open_points.get(model.judged_by, Counter()))
    return _sent(coverage.rule_statuses.get(model.judged_by, Counter()))


def dimension_matrix(results) -> list[dict]:
    """One entry per dimension, each with its classes: position, judge, and what was sent (per kind, where
    the class has kinds), as results.json's `coverage.dimensions` and the HTML page show it."""
    out = []
    for dimension in dimensions.DIMENSIONS:
        classes = []
        for model in dimension.classes:
            members = _members(model, results)
            entry = {"id": model.id, "position": model.position.value, "judged_by": model.judged_by}
            if members is not None:
                entry["members"] = members
                entry["requests"] = sum(m["requests"] for m in members.values())
                entry["sent_all"] = all(m["requests"] for m in members.values())
            else:
                entry.update(_whole(model, results))
                entry["sent_all"] = entry["requests"] > 0
            classes.append(entry)
        out.append({"id": dimension.id, "title": dimension.title, "classes": classes})
    return out
