"""How a check is tied to its rule: `@check(rule_id)` registers it in its family's table.

One table per family, because each family judges its own evidence: an `Exchange` (REST), a
`Delivery` (media), or a state probe's evidence (state). The rule id is checked at import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conformance.contract import rules


class Registry:
    def __init__(self, family: str) -> None:
        self.family = family
        self.checks: dict[str, Callable[..., Any]] = {}

    def check(self, rule_id: str) -> Callable[[Callable], Callable]:
        rules.get(rule_id)  # an unknown id is a programming error, caught at import

        def register(fn: Callable) -> Callable:
            if rule_id in self.checks:
                raise ValueError(f"{self.family}: two checks for {rule_id}")
            self.checks[rule_id] = fn
            return fn

        return register

    def items(self):
        return self.checks.items()
