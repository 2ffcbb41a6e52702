"""The spine's invariants, read from the code: one writer of the results, no object configured from
outside its class, one exit-status decision, options declared once."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

from conformance.cli import options
from conformance.records.settings import RunSettings

ROOT = Path(__file__).parents[1]
SOURCES = sorted([*(ROOT / "conformance").rglob("*.py"), *(ROOT / "strategies").rglob("*.py")])
RESULTS_WRITERS = {"conformance/report/results.py", "conformance/run/lifecycle.py"}
RESULTS_MUTATORS = {"record", "record_findings", "note", "offer", "cover", "record_problem", "observe_open_point",
                    "keep_waveform", "add_example", "spend_budget"}
OWNERS_ALLOWED = {
    # objects of other libraries, set as their own APIs document
    ("conformance/report/junit_xml.py", "failure"), ("conformance/report/junit_xml.py", "ET.SubElement"),  # xml.etree
    ("conformance/media/receivers.py", "context"),  # ssl.SSLContext.sslobject_class, its documented hook
    ("conformance/media/receivers.py", "self._http"), ("conformance/emulator/server.py", "server"),  # uvicorn stop
    ("conformance/common/lazy_imports.py", "stub"),  # the stub module the lazy import builds
    ("conformance/cli/main.py", "sys"),  # sys.unraisablehook
    ("conformance/cli/plugin.py", "session"),  # pytest's session.exitstatus, the plugin API's way
    ("conformance/run/runner.py", "case"),  # a Schemathesis Case, pointed at the target
    ("conformance/run/sender.py", "response"),  # the requests.Response a dry run answers with
    ("conformance/run/draw.py", "IntervalSet"),  # Hypothesis's hash, kept only during the suite's own draws
    # the suite's own records, filled in by the one module that defines and owns them
    ("conformance/report/results.py", "result"), ("conformance/report/results.py", "self.by_rule"),  # RuleResult
    ("conformance/media/receivers.py", "session"), ("conformance/media/receivers.py", "tally"),  # recordings
    ("conformance/run/governor.py", "slot"),  # a _Slot of the governor's rate window
}


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _trees():
    for path in SOURCES:
        yield _relative(path), ast.parse(path.read_text(encoding="utf-8"))


def test_only_the_run_writes_its_results():
    calls = []
    for name, tree in _trees():
        if name in RESULTS_WRITERS:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in RESULTS_MUTATORS and "results" in ast.unparse(node.func.value):
                calls.append(f"{name}:{node.lineno} {ast.unparse(node.func)}")
    assert calls == []


def test_no_object_is_configured_from_outside_its_class():
    outside = []
    for name, tree in _trees():
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else []
            for target in targets:
                if not isinstance(target, ast.Attribute):
                    continue
                text = ast.unparse(target)
                owner = ast.unparse(target.value)
                if owner in ("self", "cls") or any(name == m and owner.startswith(o) for m, o in OWNERS_ALLOWED):
                    continue
                outside.append(f"{name}:{node.lineno} {text}")
    assert outside == []


def test_the_exit_status_is_decided_in_one_function():
    deciders, constants = [], []
    for name, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in ("exit_code", "exit_status"):
                deciders.append(f"{name}:{node.name}")
            if isinstance(node, ast.Assign):
                constants += [f"{name}:{t.id}" for t in node.targets if isinstance(t, ast.Name)
                              and re.fullmatch(r"EXIT_[A-Z_]+", t.id)]
    assert deciders == ["conformance/report/verdict.py:exit_status"]
    assert constants == []


def test_one_interrupt_flag():
    flags = [f"{name}:{target.id}" for name, tree in _trees() for node in tree.body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name) and "interrupt" in target.id.lower()]
    assert flags == ["conformance/run/governor.py:INTERRUPTED"]


INPUT_ONLY = {"space", "allow_insecure_http"}
"""Options that shape other settings and are not settings themselves: `--space` becomes `base_url`;
`--allow-insecure-http` is checked at the door."""


def test_options_and_settings_are_declared_once():
    """Every run option is a setting of the same name (the repeatable --conference-sid fills `conference_sids`;
    `target_name` is --target's), so `run_settings` copies nothing field by field."""
    names = {o.name for o in options.TARGET_OPTIONS}
    fields = {f.name for f in dataclasses.fields(RunSettings)}
    assert names - INPUT_ONLY - {"conference_sid"} == fields - {"conference_sids", "target_name"}


def test_readme_lists_every_variable_the_code_reads():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert options.variables_table() in readme, "README's variable table is stale: python -m conformance.cli.options"
    read = set(re.findall(r'"((?:CONFORMANCE|SIGNALWIRE)_[A-Z_]+)"', "\n".join(
        p.read_text(encoding="utf-8") for p in SOURCES if "emulator" not in p.parts)))
    listed = {o.env for o in options.TARGET_OPTIONS + options.CONFIG_OPTIONS if o.env}
    assert read <= listed, read - listed
