"""`conformance run`: one run driven directly (no pytest), with a live line per phase; or several
config-file targets, each in its own process, with a table of their verdicts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from conformance.records.kinds import ExitStatus
from conformance.report.combined import combined_exit_code, combined_table
from conformance.report.summary import summary_lines
from conformance.report.verdict import exit_status
from conformance.report.writer import write_reports
from conformance.run.governor import INTERRUPTED
from conformance.run.lifecycle import Run

from .config import settings_for, targets_from
from .embedded import start_embedded
from .options import TARGET_OPTIONS, UsageError
from .waivers import load_for


class _Console:
    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.started = time.monotonic()

    def say(self, text: str, *, always: bool = False) -> None:
        if self.quiet and not always:
            return
        try:
            print(text, flush=True)
        except BrokenPipeError:  # the reader (`| head`) left: stop talking, keep running
            self.quiet = True
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    def phase(self, index: int, total: int, name: str, failed: dict, sent: int) -> None:
        mark = "FAIL" if failed else "ok  "
        self.say(f"  [{index}/{total}] {mark} {name:<48} {sent:>6} requests  {time.monotonic() - self.started:5.1f}s")


def hypothesis_cache() -> None:
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


def run(given: dict, *, quiet: bool = False) -> ExitStatus:
    settings = settings_for(given)
    waivers = load_for(settings)
    hypothesis_cache()
    console = _Console(quiet=quiet)
    run = Run(settings, waivers=waivers, start_emulator=start_embedded)
    try:
        for line in run.announcement():
            console.say(line, always=settings.dry_run)
        if settings.media and settings.dry_run and not (settings.media_public_url or settings.media_cert
                                                        or settings.uses_emulator):
            from conformance.common.tls import load_or_make_ca

            load_or_make_ca(run.media_tls_dir)  # made now, so a vendor's server can trust it before the first run
            console.say(trust_line(str((run.media_tls_dir / "ca.pem").resolve())), always=True)
        _announce_receivers(run, console)
        phases = run.phases()
        console.say(f"conformance: {len(phases)} phase(s): {', '.join(phases)}")
        run.carry_out(lambda index, phase, failures: console.phase(
            index, len(phases), str(phase), run.must_failures(failures), run.requests_judged))
    except KeyboardInterrupt:
        INTERRUPTED.set()  # the one flag: the record reads it, and any request still in flight stops
    finally:
        record = run.finish()  # the record carry_out ended with, or, after a Ctrl-C in the announcements, now
        written = write_reports(record)
    if record.results.problems:  # the run was not made: the reason, on one line, is the whole story
        print(f"conformance: {record.results.problems[0]}", file=sys.stderr)
        return exit_status(record)
    console.say("\n".join([""] + summary_lines(record, written)), always=True)
    return exit_status(record)


def _announce_receivers(run: Run, console: _Console) -> None:
    receivers = run.receivers
    if receivers is None or run.target.is_emulator:
        return
    console.say(f"conformance: media: streams to {receivers.media_url('...')}, callbacks to "
                f"{receivers.callback_url('...')}", always=True)
    if receivers.ca_file:
        console.say(trust_line(receivers.ca_file), always=True)


def trust_line(ca_file: str) -> str:
    return (f"conformance: media: the wss receiver's CA is {ca_file}; a server that checks certificates trusts it "
            f"with SSL_CERT_FILE={ca_file} (OpenSSL, Python), REQUESTS_CA_BUNDLE (requests), NODE_EXTRA_CA_CERTS "
            "(Node) or its own CA option")


# --- several targets -------------------------------------------------------------------------------
def _passthrough(given: dict) -> tuple[list[str], dict]:
    """Flags given to `conformance run`, for each target's own process, and the environment it gets:
    never a secret on a command line (the token travels in the environment)."""
    args, env = [], dict(os.environ)
    for option in TARGET_OPTIONS:
        value = given.get(option.name)
        if value in (None, False, []) or option.name == "report_dir":
            continue
        if option.secret:
            env[option.env] = value
            continue
        if option.switch:
            args.append(option.flag)
        else:
            args += [f"{option.flag}={item}" for item in (value if option.many else [value])]
    if given.get("config"):
        args.append(f"--config={given['config']}")
    return args, env


def _workers(text: str | None) -> int:
    if text is None:
        return 1
    if text.strip() == "auto":
        return os.cpu_count() or 1
    if not text.strip().isdigit() or int(text) < 1:
        raise UsageError(f"-n/--workers must be a whole number of at least 1, or auto; got {text!r}")
    return int(text)


def run_targets(given: dict, raw_targets: str, workers: str | None, *, quiet: bool = False) -> ExitStatus:
    names = targets_from(given, raw_targets)
    for name in names:  # every target's settings are checked before anything is sent
        settings_for(given, target=name)
    root = settings_for(given).report_dir
    args, env = _passthrough(given)
    count = _workers(workers)
    console = _Console(quiet=quiet)

    def one(name: str) -> int:
        command = [sys.executable, "-m", "conformance", "run", "--quiet", f"--target={name}",
                   f"--report-dir={os.path.join(root, name)}", *args]
        done = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        console.say(f"  {name}: exit {done.returncode}")
        return done.returncode

    with ThreadPoolExecutor(max(1, count)) as pool:
        list(pool.map(one, names))
    console.say("\n".join([""] + combined_table(root, names)), always=True)
    return combined_exit_code(root, names)
