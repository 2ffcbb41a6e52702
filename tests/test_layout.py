"""The tree is the data flow: imports run downstream only, and the suite and the emulator never meet.

Layers, lowest first (README, "Layout"): a module may import its own package and any layer below
its own. Entry points (`cli`, `cases`, `__main__`) may import anything. The emulator may import
the pure helpers and read the published document, nothing else of the suite.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SUITE_LAYERS = (
    "conformance.common",
    "conformance.contract",
    "conformance.records",
    "strategies",
    "conformance.checks",
    "conformance.report",
    "conformance.media",
    "conformance.run",
)
ENTRY_POINTS = ("conformance.cli", "conformance.cases", "conformance.__main__")
EMULATOR = "conformance.emulator"
EMULATOR_MAY_IMPORT = ("conformance.common", "conformance.contract.document", EMULATOR)


def _package_of(module: str) -> str:
    for name in (*SUITE_LAYERS, *ENTRY_POINTS, EMULATOR):
        if module == name or module.startswith(name + "."):
            return name
    return module


def _modules() -> list[tuple[str, Path]]:
    found = []
    for top in ("conformance", "strategies"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    return found


def _imports(module: str, path: Path) -> set[str]:
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                anchor = parts if is_package else parts[:-1]
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return {n for n in names if n.split(".")[0] in ("conformance", "strategies") and n != "conformance"}


def _upstream(module: str, imported: str) -> bool:
    own, other = _package_of(module), _package_of(imported)
    if own == other or other == "conformance.__version__" or imported == "conformance.__version__":
        return False
    if own in ENTRY_POINTS:
        return False
    if own == EMULATOR:
        return not any(imported == allowed or imported.startswith(allowed + ".") for allowed in EMULATOR_MAY_IMPORT)
    if other == EMULATOR or other in ENTRY_POINTS:
        return True
    if other not in SUITE_LAYERS:
        return True  # a module outside the layout: name it in README and here
    return SUITE_LAYERS.index(other) > SUITE_LAYERS.index(own)


def test_every_module_sits_in_a_stage_package():
    loose = [m for m, _ in _modules() if _package_of(m) not in (*SUITE_LAYERS, *ENTRY_POINTS, EMULATOR)
             and m not in ("conformance", "strategies")]
    assert loose == []


def test_imports_run_downstream_only():
    wrong = sorted(f"{module} imports {imported}" for module, path in _modules()
                   for imported in _imports(module, path) if _upstream(module, imported))
    assert wrong == []


@pytest.mark.parametrize(("module", "imported", "upstream"), [
    ("conformance.checks.rest", "conformance.run.runner", True),
    ("conformance.run.runner", "conformance.checks.rest", False),
    ("conformance.report.results", "conformance.run.target", True),
    ("conformance.checks.media", "conformance.emulator.validation", True),
    ("conformance.emulator.player", "conformance.media.receivers", True),
    ("conformance.emulator.validation", "conformance.contract.rules", True),
    ("conformance.emulator.validation", "conformance.contract.document", False),
    ("conformance.cli.plugin", "conformance.emulator", False),
    ("strategies._values", "conformance.checks.rest", True),
])
def test_the_direction_rule_itself(module, imported, upstream):
    assert _upstream(module, imported) is upstream
