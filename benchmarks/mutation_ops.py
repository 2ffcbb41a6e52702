"""A small AST mutator: every first-order mutant of a Python module, enumerated and applied by index.

The same deterministic pre-order walk both lists the mutation points and applies one of them, so
a mutant is just (file, index); its `id` (scope, operator, before -> after) is what the reviewed
list of equivalent mutants refers to, because indices and line numbers move when the code does.
The mutated module is written back with `ast.unparse`: comments and layout go, behaviour stays.

Operators: comparison flips and boundary shifts, `not` removed, `and`/`or` swapped, a condition
negated, True/False swapped, whole numbers +-1, HTTP status codes swapped for a plausible wrong
one, string and bytes tokens emptied, a `raise` or `return` removed, a dict entry deleted.
Human-readable prose (a string or f-string with a space in it: error messages) is not mutated:
the contract fixes no message text, so such mutants would all be equivalent.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from dataclasses import dataclass

STATUS_SWAPS = {200: 201, 400: 422, 401: 403, 404: 400, 405: 404, 422: 400}
_FLIP = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE, ast.LtE: ast.Gt,
         ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_BOUNDARY = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}


@dataclass(frozen=True)
class Mutant:
    file: str
    index: int
    line: int
    scope: str
    operator: str
    before: str
    after: str
    nth: int = 0
    """How many earlier mutants of the file share this one's description (0 for the first)."""

    @property
    def id(self) -> str:
        name = self.file.rsplit("/", 1)[-1]
        suffix = f" #{self.nth + 1}" if self.nth else ""
        return f"{name}::{self.scope}::{self.operator}: {self.before} -> {self.after}{suffix}"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def _short(node: ast.AST, limit: int = 70) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_prose(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and " " in node.value
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and " " in str(v.value) for v in node.values)
    return False


def _replace_op(node: ast.Compare, i: int, op: type) -> ast.Compare:
    new = copy.deepcopy(node)
    new.ops[i] = op()
    return new


def _alternatives(node: ast.AST, parent: ast.AST | None) -> Iterator[tuple[str, ast.AST]]:
    """Each (operator, replacement) for one node; the replacement takes the node's place."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in _FLIP:
                yield "comparison-flipped", _replace_op(node, i, _FLIP[type(op)])
            if type(op) in _BOUNDARY:
                yield "boundary-shifted", _replace_op(node, i, _BOUNDARY[type(op)])
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not-removed", copy.deepcopy(node.operand)
    elif isinstance(node, ast.BoolOp):
        yield "and-or-swapped", ast.BoolOp(op=ast.Or() if isinstance(node.op, ast.And) else ast.And(),
                                           values=copy.deepcopy(node.values))
    elif isinstance(node, ast.Constant):
        yield from _constant_alternatives(node, parent)
    elif isinstance(node, ast.JoinedStr) and not _is_prose(node):
        for i, part in enumerate(node.values):
            if isinstance(part, ast.Constant) and part.value:
                new = copy.deepcopy(node)
                del new.values[i]
                yield "string-emptied", new
    elif isinstance(node, ast.Raise):
        yield "raise-removed", ast.Pass()
    elif isinstance(node, ast.Return):
        yield "return-removed", ast.Pass()
    elif isinstance(node, ast.Dict):
        for i, key in enumerate(node.keys):
            if key is not None:
                yield "dict-entry-deleted", ast.Dict(keys=[copy.deepcopy(k) for j, k in enumerate(node.keys) if j != i],
                                                     values=[copy.deepcopy(v) for j, v in enumerate(node.values)
                                                             if j != i])
    if isinstance(node, (ast.If, ast.While, ast.IfExp)) and not isinstance(node.test, (ast.Compare, ast.UnaryOp)):
        new = copy.deepcopy(node)
        new.test = ast.UnaryOp(op=ast.Not(), operand=new.test)
        yield "condition-negated", new


def _constant_alternatives(node: ast.Constant, parent: ast.AST | None) -> Iterator[tuple[str, ast.AST]]:
    value = node.value
    if isinstance(value, bool):
        yield "true-false-swapped", ast.Constant(not value)
    elif isinstance(value, int):
        if value in STATUS_SWAPS:
            yield "status-swapped", ast.Constant(STATUS_SWAPS[value])
        else:
            yield "number-changed", ast.Constant(value + 1)
            yield "number-changed", ast.Constant(value - 1)
    elif isinstance(value, (str, bytes)) and value and not _is_prose(node) and not isinstance(parent, ast.JoinedStr):
        if isinstance(parent, ast.Dict) and any(k is node for k in parent.keys):
            return  # a key: deleting the entry is the mutation that matters
        yield "string-emptied", ast.Constant(type(value)())


def _called_on(call: ast.Call, name: str) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name


class _Walker(ast.NodeTransformer):
    """Pre-order walk counting mutation points; records them, or applies the one at `target`."""

    def __init__(self, file: str, excluded: frozenset[str], target: int | None) -> None:
        self.file, self.excluded, self.target = file, excluded, target
        self.scope: list[str] = []
        self.parents: list[ast.AST] = []
        self.found: list[Mutant] = []
        self.count = 0
        self.applied = False

    def visit(self, node: ast.AST) -> ast.AST:
        if self.applied or self._skipped(node):
            return node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return self._visit_scope(node)
        parent = self.parents[-1] if self.parents else None
        for operator, replacement in _alternatives(node, parent):
            if self.target is None:
                self._record(node, operator, replacement)
            elif self.count == self.target:
                self.applied = True
                return ast.copy_location(replacement, node)
            self.count += 1
        self.parents.append(node)
        try:
            return self.generic_visit(node)
        finally:
            self.parents.pop()

    def _visit_scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> ast.AST:
        self.scope.append(node.name)
        try:
            if ".".join(self.scope) in self.excluded:
                return node
            self.parents.append(node)
            node.body = [self.visit(stmt) for stmt in node.body]  # not decorators, defaults or annotations
            self.parents.pop()
            return node
        finally:
            self.scope.pop()

    def _skipped(self, node: ast.AST) -> bool:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)):
            return True
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return True  # docstrings
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and _called_on(node.value, "log"):
            return True  # logging is not behaviour a client sees
        if isinstance(node, ast.AnnAssign):
            return node.value is None
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("log", "__all__")
                                                for t in node.targets):
            return True  # the logger's name and the export list are not behaviour
        return False

    def _record(self, node: ast.AST, operator: str, replacement: ast.AST) -> None:
        if operator == "condition-negated":  # the statement is long; the condition says it all
            node, replacement = node.test, replacement.test
        if isinstance(node, ast.JoinedStr):  # name the literal part removed, not the whole f-string
            removed = [v for v in node.values if isinstance(v, ast.Constant) and
                       not any(isinstance(w, ast.Constant) and w.value == v.value for w in replacement.values)]
            before, after = f"{_short(removed[0])} in {_short(node, 40)}", "''"
        else:
            before, after = _short(node), _short(replacement)
        scope = ".".join(self.scope) or "<module>"
        nth = sum(1 for m in self.found if (m.scope, m.operator, m.before, m.after) == (scope, operator, before, after))
        line = getattr(node, "lineno", 0)
        self.found.append(Mutant(self.file, self.count, line, scope, operator, before, after, nth))


def mutants(source: str, file: str, excluded: frozenset[str] = frozenset()) -> list[Mutant]:
    """Every mutant of a module's source, in a stable order; `excluded`: qualified names left alone."""
    walker = _Walker(file, excluded, None)
    walker.visit(ast.parse(source))
    return walker.found


def mutated_source(source: str, mutant: Mutant, excluded: frozenset[str] = frozenset()) -> str:
    walker = _Walker(mutant.file, excluded, mutant.index)
    tree = ast.fix_missing_locations(walker.visit(ast.parse(source)))
    if not walker.applied:
        raise ValueError(f"no mutation point {mutant.index} in {mutant.file}")
    return ast.unparse(tree)
