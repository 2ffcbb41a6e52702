"""The mutation benchmark's mutator (benchmarks/mutation_ops.py) on a toy function: real mutants only."""

from __future__ import annotations

import itertools

from benchmarks.mutation_ops import mutants, mutated_source

TOY = '''
def admit(age, member):
    """Docstrings are not mutated."""
    if age >= 18 and not member:
        return {"status": 200, "tier": "adult"}
    raise ValueError("too young to enter")


def helper():
    return 41 + 1
'''


def _behaviour(source: str) -> list:
    namespace: dict = {}
    exec(compile(source, "<toy>", "exec"), namespace)  # noqa: S102 - the toy, mutated
    seen = []
    for age, member in itertools.product((17, 18, 19), (True, False)):
        try:
            seen.append(namespace["admit"](age, member))
        except ValueError as exc:
            seen.append(("raised", str(exc)))
    return seen


def test_every_operator_yields_a_mutant_that_changes_behaviour():
    found = mutants(TOY, "toy.py", frozenset({"helper"}))
    operators = {m.operator for m in found}
    assert operators == {"comparison-flipped", "boundary-shifted", "and-or-swapped", "not-removed",
                         "condition-negated", "number-changed", "status-swapped", "string-emptied",
                         "dict-entry-deleted", "return-removed", "raise-removed"}
    assert len({m.id for m in found}) == len(found)
    original = _behaviour(TOY)
    for mutant in found:
        source = mutated_source(TOY, mutant, frozenset({"helper"}))
        assert " ".join(mutant.after.split()) in " ".join(source.split()), mutant.id
        assert _behaviour(source) != original, f"{mutant.id} changed nothing"


def test_prose_docstrings_dict_keys_and_excluded_scopes_are_left_alone():
    found = mutants(TOY, "toy.py", frozenset({"helper"}))
    described = " | ".join(m.id for m in found)
    assert not [m for m in found if m.operator == "string-emptied" and "too young" in m.before]  # prose
    assert "Docstrings" not in described
    assert "'status' -> ''" not in described  # a dict key: deleting the entry is the mutation
    assert all(m.scope == "admit" for m in found)
    assert any(m.scope == "helper" for m in mutants(TOY, "toy.py"))
