"""What a run's requests covered: enum values, boundaries, encodings, statuses, open points.

Read from each exchange as sent, whatever produced it (the coverage set, a depth round,
Schemathesis), so the matrix shows what reached the target, not what was planned.
"""

from __future__ import annotations

from collections import Counter

from conformance.contract import document as contract
from conformance.contract import rules
from conformance.records.exchange import Exchange
from conformance.records.kinds import RequestKind

LONG_VALUE = 1024
"""A value at least this long counts as a 'very long value'."""
_PARAM = contract.PARAMETER_KEY


def boundary_labels() -> tuple[str, ...]:
    limit = contract.max_custom_parameters()
    return ("Parameter1", f"Parameter{limit}", f"all {limit} parameters", f"Parameter{limit + 1} or above",
            "empty value", f"very long value (>= {LONG_VALUE})", "Url only")


def _boundaries(fields: dict) -> set[str]:
    limit = contract.max_custom_parameters()
    labels = boundary_labels()
    found = set()
    indices = {int(m.group(1)) for k in fields if (m := _PARAM.match(k))}
    if 1 in indices:
        found.add(labels[0])
    if limit in indices:
        found.add(labels[1])
    if set(range(1, limit + 1)) <= indices:
        found.add(labels[2])
    if any(i > limit for i in indices):
        found.add(labels[3])
    texts = [v for v in fields.values() if isinstance(v, str)]
    if any(v == "" for v in texts):
        found.add(labels[4])
    if any(len(v) >= LONG_VALUE for v in texts):
        found.add(labels[5])
    if set(fields) == {"Url"}:
        found.add(labels[6])
    return found


def open_point_ids() -> list[str]:
    return list(rules.OPEN_POINTS)


class Coverage:
    """Not thread-safe on its own: `Results` calls it under its lock."""

    def __init__(self) -> None:
        self.enums: dict[str, Counter] = {f: Counter() for f in contract.ENUM_FIELDS}
        self.boundaries: Counter = Counter()
        self.encodings: Counter = Counter()
        self.statuses: Counter = Counter()
        self.open_points: dict[str, Counter] = {p: Counter() for p in open_point_ids()}
        self.rule_statuses: dict[str, Counter] = {}
        """Per rule a request's label names (the rule it breaks, or the must-accept rule that judges it): the
        statuses the target answered."""
        self.members: dict[tuple[str, str], Counter] = {}
        """Per (members class, kind) of the dimension model: the statuses the target answered."""

    def observe(self, ex: Exchange) -> None:
        self.statuses[ex.status] += 1
        self.encodings[ex.encoding] += 1
        fields = ex.sent_fields or {}
        for field, counter in self.enums.items():
            value = fields.get(field)
            if isinstance(value, str) and value in contract.enum_values(field):
                counter[value] += 1
        self.boundaries.update(_boundaries(fields))
        if ex.expectation.member is not None:
            self.members.setdefault(ex.expectation.member, Counter())[ex.status] += 1
        point = ex.expectation.open_point
        if point:
            self.open_points.setdefault(point, Counter())[ex.status] += 1
            return
        ids = ex.expectation.rule_ids
        if not ids and ex.expectation.kind is RequestKind.VALID:
            ids = ("accept-valid-json" if ex.encoding == "json" else "accept-valid-form",)
        for rule_id in ids:
            self.rule_statuses.setdefault(rule_id, Counter())[ex.status] += 1

    def as_dict(self) -> dict:
        def plain(counter: Counter) -> dict:
            return {str(k): v for k, v in sorted(counter.items(), key=lambda kv: str(kv[0]))}

        return {
            "enum_values": {f: {v: self.enums[f][v] for v in contract.enum_values(f)} for f in self.enums},
            "boundaries": {label: self.boundaries[label] for label in boundary_labels()},
            "encodings": {e: self.encodings[e] for e in ("form", "json")},
            "statuses": plain(self.statuses),
            "open_points": {p: {"requests": sum(c.values()), "statuses": plain(c)}
                            for p, c in self.open_points.items()},
        }
