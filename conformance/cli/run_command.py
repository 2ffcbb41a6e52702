"""`conformance run`: the packaged cases through pytest, in-process, with a live progress display."""

from __future__ import annotations

import os
import sys
import time

import pytest

from conformance.report.combined import combined_exit_code, combined_table
from conformance.report.summary import summary_lines

from .config import settings_for, target_names
from .options import CONFIG_OPTIONS, TARGET_OPTIONS, UsageError
from .plugin import SETTINGS_KEY, STATE_KEY, reset_interruption

_CASES_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "cases")


class _CliPlugin:
    """Hands the checked settings to the plugin (no secret on pytest's argv) and shows progress."""

    def __init__(self, settings, *, quiet: bool) -> None:
        self.settings = settings
        self.quiet = quiet
        self.config = None
        self.total = 0
        self.done = 0
        self.started = time.monotonic()

    def say(self, text: str) -> None:
        try:
            print(text, flush=True)
        except BrokenPipeError:  # the reader (`| head`) left: stop talking, keep running
            self.quiet = True
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config
        if self.settings is not None:
            config.stash[SETTINGS_KEY] = self.settings

    def pytest_collection_modifyitems(self, items) -> None:
        self.total = len(items)
        if not self.quiet:
            self.say(f"conformance: {self.total} cases")

    def pytest_runtest_logreport(self, report) -> None:
        if self.quiet or report.when != "call" and not (report.when == "setup" and report.failed):
            return
        self.done += 1
        state = self.config.stash.get(STATE_KEY, None)
        sent = state.results.requests if state is not None and state.results is not None else 0
        mark = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip"}[report.outcome]
        name = report.nodeid.split("::", 1)[-1]
        self.say(f"  [{self.done:>2}/{self.total}] {mark} {name:<48} {sent:>6} requests  "
                 f"{time.monotonic() - self.started:5.1f}s")


def _hypothesis_cache() -> None:
    """Hypothesis keeps its Unicode tables and the constants it reads from local modules under
    ./.hypothesis, rebuilt in every new working directory (about 1 s of a quick run) and left
    behind in the user's. A run of the suite keeps them in the user's cache directory instead,
    unless HYPOTHESIS_STORAGE_DIRECTORY says where."""
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    directory = os.path.join(base, "conformance", "hypothesis")
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError:
        return  # an unwritable cache: Hypothesis's default, as before
    set_hypothesis_home_dir(directory)


# -c /dev/null and --rootdir: the user's own pytest configuration and conftest files must not
# change what the suite runs, nor must other installed plugins (and not loading them saves
# start-up); --assert=plain: the cases assert nothing themselves, and rewriting every module
# of the plugin's package cost about 0.4 s; -p no:terminal: the live lines and the summary are the output;
# -p no:unraisableexception: a Ctrl-C that lands in a finalizer would come out as pytest's warning,
# traceback and all; the signal handler's own hook (cli/main.py) drops it, the run ends at the next request.
PYTEST_OPTIONS = ("-c", os.devnull, "--rootdir", _CASES_DIR, "-s", "-p", "no:cacheprovider", "-p", "no:terminal",
                  "-p", "no:unraisableexception", "--assert=plain", "--disable-plugin-autoload",
                  "-p", "conformance.cli.plugin")


def run(given: dict, *, quiet: bool = False) -> int:
    settings = settings_for(given)
    reset_interruption()
    _hypothesis_cache()
    plugin = _CliPlugin(settings, quiet=quiet)
    code = pytest.main([_CASES_DIR, *PYTEST_OPTIONS], plugins=[plugin])
    state = plugin.config.stash.get(STATE_KEY, None) if plugin.config else None
    if state is None or state.results is None:
        print(f"conformance: the run could not start (pytest exit {int(code)})", file=sys.stderr)
        return 2
    if state.results.problems:  # the run was not made: the reason, on one line, is the whole story
        print(f"conformance: {state.results.problems[0]}", file=sys.stderr)
        return 2
    plugin.say("\n".join([""] + summary_lines(state)))
    if state.interrupted:
        return 130 if not state.results.problems else 2
    return state.results.exit_code()


def _passthrough(given: dict) -> list[str]:
    """Flags given to `conformance run`, as the plugin's options for the workers; never a secret:
    the token travels in the environment, which the workers inherit."""
    args = []
    for option in TARGET_OPTIONS + CONFIG_OPTIONS:
        value = given.get(option.name)
        if value in (None, False, []):
            continue
        if option.secret:
            os.environ[option.env] = value
            continue
        flag = "--conformance-" + option.name.replace("_", "-")
        if option.switch:
            args.append(flag)
        else:
            args += [f"{flag}={item}" for item in (value if option.many else [value])]
    return args


def run_targets(given: dict, raw_targets: str, workers: str | None, *, quiet: bool = False) -> int:
    known = target_names(given)
    names = known if raw_targets.strip() == "all" else [n.strip() for n in raw_targets.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise UsageError(f"--targets: not in the config file: {', '.join(unknown) or raw_targets} "
                         f"(defined: {', '.join(known) or 'none'})")
    for name in names:  # every target's settings are checked before anything is sent
        settings_for(given, target=name)
    _hypothesis_cache()
    root = settings_for(given).report_dir
    plugin = _CliPlugin(None, quiet=quiet)
    args = [_CASES_DIR, "-c", os.devnull, "--rootdir", _CASES_DIR, "-p", "no:cacheprovider", "-p", "no:terminal",
            "--assert=plain", f"--conformance-targets={','.join(names)}", *_passthrough(given)]
    if workers:
        args += ["-n", workers, "--dist", "loadgroup"]
    pytest.main(args, plugins=[plugin])
    plugin.say("\n".join([""] + combined_table(root, names)))
    return combined_exit_code(root, names)
