"""README.md's code, as written there: its python blocks run against the emulator, and every
`conformance ...` command line in its bash blocks parses with the CLI's own parser."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from pathlib import Path

import pytest

from conformance.cli.main import build_parser, main
from conformance.emulator import running_emulator

from .conftest import run_suite, suite_env

README = Path(__file__).parents[1] / "README.md"
SUBCOMMANDS = ("run", "emulate", "replay")
_OPERATORS = {"&&", "||", ";", "|", "&", "(", ")", ";;"}


def fenced_blocks(language: str, text: str | None = None) -> list[tuple[int, str]]:
    """(line number, code) of each ```LANGUAGE block, indented ones (inside a list item) included."""
    text = README.read_text() if text is None else text
    blocks = []
    for m in re.finditer(rf"^([ \t]*)```{language}[ \t]*\n(.*?)^\1```[ \t]*$", text, re.M | re.S):
        indent = m.group(1)
        code = "".join(line[len(indent):] if line.startswith(indent) else line
                       for line in m.group(2).splitlines(keepends=True))
        blocks.append((text.count("\n", 0, m.start()) + 1, code))
    return blocks


def command_lines(code: str, program: str) -> list[list[str]]:
    """The argument lists given to PROGRAM (`conformance`, `.venv/bin/conformance`, `pytest`) in a
    bash block: continuation lines joined, comments dropped, cut at `&&`, `;`, `|`, `)`."""
    commands = []
    for line in code.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            words = list(lexer)
        except ValueError:  # a quote this line does not close (a heredoc's text, say): not a command line
            continue
        current = None
        for word in words:
            if current is not None and word in _OPERATORS:
                commands.append(current)
                current = None
            elif current is not None:
                current.append(word)
            elif word.rsplit("/", 1)[-1] == program:
                current = []
        if current is not None:
            commands.append(current)
    return commands


def _all_commands(program: str) -> list[tuple[int, list[str]]]:
    return [(line, args) for line, code in fenced_blocks("bash") for args in command_lines(code, program)]


def test_the_readme_has_code_to_check():
    assert len(fenced_blocks("python")) >= 1
    assert len(_all_commands("conformance")) >= 8  # the extraction finds the command lines it should


def test_extraction_reads_continuations_comments_and_operators():
    code = 'x=1 && .venv/bin/conformance run --seed 3 \\\n    --quick   # a comment\nA=$(conformance emulate --tls)\n'
    assert command_lines(code, "conformance") == [["run", "--seed", "3", "--quick"], ["emulate", "--tls"]]


@pytest.mark.parametrize("line,args", _all_commands("conformance"), ids=lambda v: str(v) if isinstance(v, int) else "")
def test_each_conformance_command_line_parses(line, args):
    try:
        build_parser().parse_args(args)
    except BaseException as e:  # UsageError on a bad flag; SystemExit for --help/--version
        if not (isinstance(e, SystemExit) and e.code == 0):
            pytest.fail(f"README.md line {line}: `conformance {shlex.join(args)}` does not parse: {e}")


def test_a_wrong_flag_would_be_caught():
    with pytest.raises(Exception, match="no-such-flag"):
        build_parser().parse_args(["run", "--no-such-flag"])


def test_each_pytest_plugin_line_uses_real_options():
    lines = [(n, a) for n, a in _all_commands("pytest") if "conformance.cases" in a]
    assert lines, "README shows how to run the cases with pytest"
    for line, args in lines:
        flags = [a.replace("--conformance-", "--", 1) if a.startswith("--conformance-") else a for a in args
                 if a not in ("--pyargs", "conformance.cases")]
        try:
            build_parser().parse_args(["run", *flags])
        except Exception as e:
            pytest.fail(f"README.md line {line}: `pytest {shlex.join(args)}`: {e} (each --conformance-X is a run flag)")


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_of_each_command_the_readme_uses_names_its_flags(command):
    used = {a.split("=", 1)[0] for _, args in _all_commands("conformance") if args and args[0] == command
            for a in args[1:] if a.startswith("--")}
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    missing = sorted(flag for flag in used if flag not in out.getvalue())
    assert not missing, f"`conformance {command} --help` does not list {missing}, which README.md uses"


def test_conformance_run_quick_gives_a_complete_verdict(tmp_path):
    """README: `conformance run --quick` (the embedded emulator): the coverage set, a complete verdict."""
    assert any(args == ["run", "--quick"] for _, args in _all_commands("conformance"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}
    proc, report = run_suite(["--quick"], env, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report["exit_code"] == 0


@pytest.mark.parametrize("line,code", fenced_blocks("python"), ids=lambda v: str(v) if isinstance(v, int) else "")
def test_python_block_runs_as_written_against_the_emulator(line, code, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # Hypothesis's example database goes here, not into the checkout
    with running_emulator() as server:
        for name, value in suite_env(server, CONFORMANCE_BASE_URL=server.base_url).items():
            monkeypatch.setenv(name, value)
        namespace = {"__name__": f"readme_line_{line}"}
        exec(compile(code, f"README.md (block at line {line})", "exec"), namespace)
        tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
        for test in tests:
            test()
    assert tests or "def test_" not in code
