"""`conformance run | emulate | replay | compare`: argument parsing and exit codes, nothing else."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence

from conformance import __version__
from conformance.records.kinds import ExitStatus

from .options import CONFIG_OPTIONS, EMULATE_OPTIONS, TARGET_OPTIONS, UsageError, add_options, resolve

RUN_EPILOG = """\
The run sends a coverage set first (every rule once, every enum value, the custom-parameter
boundaries, both encodings; its size is printed), then one more example per rule round by round,
then Schemathesis's phases. --quick stops after the coverage set: a complete verdict in seconds.

exit status:
  0    every MUST requirement held, and every MUST rule was exercised in full
  1    at least one MUST requirement failed
  2    the run could not be made (bad usage, target unreachable, credentials or conference refused)
  3    incomplete: no MUST failed, but some MUST rule was NOT RUN or only PARTIAL (the budget or an
       interruption cut the coverage set short); with --allow-partial such a run exits 0, and its
       verdict still reads PARTIAL RUN, never CONFORMANT
  130  interrupted (Ctrl-C, SIGTERM); reports are written
Media rules are expected only with --media; without it they are SKIP and not counted.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as argparse does, but without the usage block
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="conformance", description="Conformance suite for SignalWire's Create a Conference Stream")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run the suite against a target (default: the embedded emulator)",
                              epilog=RUN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(run.add_argument, TARGET_OPTIONS + CONFIG_OPTIONS)
    run.add_argument("--quiet", action="store_true", help="no live progress, only the summary")
    run.add_argument("--targets", metavar="all|A,B", default=None,
                     help="run several targets of the config file; reports go to REPORT_DIR/<target>/")
    run.add_argument("-n", "--workers", metavar="N|auto", default=None,
                     help="with --targets: run N targets at once, each in its own process")
    emulate = commands.add_parser("emulate", help="serve the reference emulator until Ctrl-C")
    add_options(emulate.add_argument, EMULATE_OPTIONS)
    emulate.add_argument("--tls", action="store_true", help="serve HTTPS with a generated certificate")
    emulate.add_argument("--media", action="store_true",
                         help="stream for real after each create (dials and calls back loopback hosts only)")
    emulate.add_argument("--media-ca-file", metavar="PATH", default=None,
                         help="with --media: the CA to trust for wss:// and https:// receivers (implies "
                              "--media-verify-tls)")
    emulate.add_argument("--media-verify-tls", action="store_true",
                         help="with --media: check the wss server's certificate (default trust store, which "
                              "SSL_CERT_FILE can name); SignalWire's default is not to")
    emulate.add_argument("--send-dtmf", action="store_true", help="with --media: interleave documented dtmf messages")
    emulate.add_argument("--send-mark", action="store_true",
                         help="with --media: interleave mark messages nobody asked for (a mark the receiver sends "
                              "is always echoed)")
    emulate.add_argument("--switches", metavar="SWITCHES", default=None,
                         help="differ from the reference on purpose: reject_query_urls, "
                              "wrong_status_for_missing_url=200|500 (comma-separated; see conformance compare)")
    from .compare_command import add_parser as add_compare

    add_compare(commands)
    replay = commands.add_parser("replay", help="re-send one failing example from a results.json report")
    replay.add_argument("report", metavar="REPORT", help="path to results.json")
    replay.add_argument("rule", metavar="RULE", help="the rule id whose example to re-send")
    replay.add_argument("--example", type=int, default=0, help="which kept example (default: the smallest)")
    add_options(replay.add_argument, tuple(o for o in TARGET_OPTIONS if o.name in REPLAY_OPTIONS))
    return parser


REPLAY_OPTIONS = {"base_url", "space", "project_id", "api_token", "ca_file"}


def _interrupt_on_signals() -> None:
    """Ctrl-C, and SIGTERM (a CI job's timeout), end the run with its reports written.

    Installed even where SIGINT arrives ignored (a background job of a non-interactive shell),
    and cooperative: the governor raises again at the next request once the flag is set.
    """
    from conformance.run.governor import INTERRUPTED

    def interrupt(signum, frame):
        INTERRUPTED.set()
        raise KeyboardInterrupt

    report_unraisable = sys.unraisablehook

    def drop_lost_interrupts(unraisable):
        # A signal that lands in a finalizer or a gc callback (Hypothesis has one) cannot unwind
        # from there, and Python would print its traceback; the flag is set, so the run still ends
        # at the next request, and the lost exception tells the user nothing.
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and INTERRUPTED.is_set():
            return
        report_unraisable(unraisable)

    sys.unraisablehook = drop_lost_interrupts
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "emulate":
            from .emulate_command import emulate

            if (args.media_ca_file or args.media_verify_tls) and not args.media:
                raise UsageError("--media-ca-file and --media-verify-tls go with --media")
            if args.media_ca_file and not os.path.isfile(args.media_ca_file):
                raise UsageError(f"--media-ca-file: no file at {args.media_ca_file!r}")
            if (args.send_dtmf or args.send_mark) and not args.media:
                raise UsageError("--send-dtmf and --send-mark go with --media")
            return emulate(resolve(EMULATE_OPTIONS, vars(args)), tls=args.tls, media=args.media,
                           media_ca_file=args.media_ca_file, dtmf=args.send_dtmf, mark=args.send_mark,
                           media_verify_tls=args.media_verify_tls or bool(args.media_ca_file),
                           switches=args.switches)
        if args.command == "compare":
            from .compare_command import run_compare

            _interrupt_on_signals()
            return run_compare(vars(args), args.a, args.b, reference=args.reference, quiet=args.quiet)
        if args.command == "replay":
            from .replay_command import replay

            values = resolve(tuple(o for o in TARGET_OPTIONS if o.name in REPLAY_OPTIONS), vars(args))
            return replay(args.report, args.rule, args.example, values)
        if args.targets:
            from .run_command import run_targets

            return run_targets(vars(args), args.targets, args.workers, quiet=args.quiet)
        if args.workers:
            raise UsageError("-n/--workers goes with --targets (one worker per target)")
        from .run_command import run

        _interrupt_on_signals()
        return run(vars(args), quiet=args.quiet)
    except UsageError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return ExitStatus.NOT_MADE
    except KeyboardInterrupt:
        print("conformance: interrupted", file=sys.stderr)
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:  # `conformance run | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitStatus.BROKEN_PIPE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
