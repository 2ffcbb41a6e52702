"""Running safely: budget, rate, throttling, network faults, clean-up, dry runs, config, waivers."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
import socket
import threading
import time

import pytest

from conformance.cli.config import settings_for
from conformance.cli.options import UsageError
from conformance.emulator import EmulatorApp, running_emulator
from conformance.run.governor import Governor, Rate, retry_after_seconds

from .broken_servers import AcceptsWs
from .conftest import run_suite, suite_env

SMALL = ["--seed", "5"]  # run_suite makes it --quick unless a test asks for a budget


class Counting(EmulatorApp):
    """Notes the arrival time of every request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.arrivals: list[float] = []

    async def handle(self, scope, receive):
        self.arrivals.append(time.monotonic())
        return await super().handle(scope, receive)


class Throttling(Counting):
    """Every fifth request is answered 429 with Retry-After: 1, once."""

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and len(self.arrivals) % 5 == 4:
            self.arrivals.append(time.monotonic())
            await send({"type": "http.response.start", "status": 429,
                        "headers": [(b"content-type", b"application/json"), (b"retry-after", b"1")]})
            await send({"type": "http.response.body", "body": b'{"code": 20429, "message": "Too Many Requests"}'})
            return
        await super().__call__(scope, receive, send)


class Slow(EmulatorApp):
    async def handle(self, scope, receive):
        await asyncio.sleep(0.05)
        return await super().handle(scope, receive)


@contextlib.contextmanager
def dropping_proxy(upstream_port: int, drop_every: int):
    """A loopback TCP proxy that closes every `drop_every`-th new connection without an answer."""
    loop = asyncio.new_event_loop()
    count = [0]

    async def pipe(reader, writer):
        with contextlib.suppress(Exception):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def handle(reader, writer):
        count[0] += 1
        if count[0] % drop_every == 0:
            await reader.read(1)
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = loop.run_until_complete(asyncio.start_server(handle, sock=sock))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1], count
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        server.close()


def test_budget_and_rate_hold_at_the_server(tmp_path):
    app = Counting()
    with running_emulator(app=app) as server:
        proc, report = run_suite(["--base-url", server.base_url, "--max-examples", "50", "--max-requests", "80",
                                  "--rate", "20/s"], suite_env(server), tmp_path)
    assert len(app.arrivals) <= 80, len(app.arrivals)
    assert len(app.arrivals) >= 75  # the budget was used, not merely not exceeded
    busiest = max(sum(1 for t in app.arrivals if start <= t < start + 1.0) for start in app.arrivals)
    assert busiest <= 20, busiest
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "request budget of 80 is spent" in proc.stdout
    assert report["traffic"]["sent"] == len(app.arrivals)


def test_429_is_waited_out_retried_and_reported_not_a_finding(tmp_path):
    app = Throttling()
    with running_emulator(app=app) as server:
        started = time.monotonic()
        proc, report = run_suite(["--base-url", server.base_url, *SMALL, "--max-requests", "40", "--allow-partial"],
                                 suite_env(server), tmp_path)
        took = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert report["traffic"]["throttled"] >= 5
    assert took >= report["traffic"]["throttled"] * 1.0  # each Retry-After: 1 was honoured
    assert any("throttled" in note for note in report["notes"])
    # nothing judged failed; what the budget did not reach is said to be not run (not exercised in full)
    assert all(r["status"] in ("PASS", "SKIP", "NOT RUN", "PARTIAL", "N/A") for r in report["requirements"])


def test_dropped_connections_are_retried_not_findings(tmp_path):
    with running_emulator() as server, dropping_proxy(int(server.base_url.split(":")[2].split("/")[0]), 3) as (
            port, count):
        base = server.base_url.replace(server.base_url.split("/")[2], f"127.0.0.1:{port}")
        proc, report = run_suite(["--base-url", base, *SMALL], suite_env(server), tmp_path)
    assert count[0] >= 3
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert report["traffic"]["network_faults_retried"] >= 1
    # N/A: the rules whose probes need a second conference or a token without Voice, which this target lacks
    assert {r["id"] for r in report["requirements"] if r["status"] not in ("PASS", "SKIP")} <= {
        "name-per-conference", "token-scope"}


def test_target_gone_mid_run_is_exit_2_with_one_line(tmp_path):
    import subprocess
    import sys

    with running_emulator() as server:
        env = suite_env(server)
        proc = subprocess.Popen([sys.executable, "-m", "conformance", "run", "--base-url", server.base_url,
                                 "--max-examples", "300", "--report-dir", str(tmp_path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        proc.stdout.readline()
        proc.stdout.readline()  # the run is under way
    out, err = proc.communicate(timeout=120)  # the server stopped when the block ended
    assert proc.returncode == 2, out[-2000:]
    assert "did not answer after 3 tries" in out + err
    assert "FAIL" not in out and "Traceback" not in out + err


def test_slow_target_is_not_a_failure(tmp_path):
    with running_emulator(app=Slow()) as server:
        proc, report = run_suite(["--base-url", server.base_url], suite_env(server), tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_cleanup_stops_every_created_stream(tmp_path):
    app = EmulatorApp()
    with running_emulator(app=app) as server:
        proc, report = run_suite(["--base-url", server.base_url, *SMALL, "--cleanup"], suite_env(server), tmp_path)
        statuses = {app.store.get(server.account_sid, server.conference_sid, e["sid"]).status
                    for e in report["ledger"]}
    assert report["ledger"] and statuses == {"stopped"}
    assert any(f"--cleanup stopped {len(report['ledger'])} of" in note for note in report["notes"])
    assert all(e["sid"] for e in report["ledger"]) and proc.returncode == 0


def test_run_scoped_name_prefix(tmp_path):
    app = EmulatorApp()
    with running_emulator(app=app) as server:
        run_suite(["--base-url", server.base_url, *SMALL], suite_env(server), tmp_path)
        names = [row[3] for row in app.store._streams.values() if row[3]]
    prefixes = {name.lstrip().split("-", 1)[0] for name in names}  # leading whitespace is a boundary kept
    assert len(prefixes) == 1 and next(iter(prefixes)).startswith("cf")


def test_dry_run_sends_nothing(tmp_path):
    app = Counting()
    with running_emulator(app=app) as server:
        proc, report = run_suite(["--base-url", server.base_url, "--max-examples", "2", "--dry-run"],
                                 suite_env(server), tmp_path)
    assert app.arrivals == []
    assert proc.returncode == 0
    assert proc.stdout.count("POST http://") >= 50
    assert "DRY RUN: nothing was sent" in proc.stdout
    assert server.api_token not in proc.stdout


def test_plain_http_to_a_remote_host_is_refused(tmp_path):
    env = {"SIGNALWIRE_PROJECT_ID": "p", "SIGNALWIRE_API_TOKEN": "t",
           "CONFORMANCE_CONFERENCE_SID": "6e8bc430-9c3a-41d9-9669-0800200c9a66"}
    with pytest.raises(UsageError, match="--allow-insecure-http"):
        settings_for({"base_url": "http://staging.example.com/api/laml/2010-04-01"}, env)
    allowed = settings_for({"base_url": "http://staging.example.com/api", "allow_insecure_http": True}, env)
    assert allowed.base_url.startswith("http://")
    assert settings_for({"base_url": "http://127.0.0.1:9/api"}, env).base_url  # loopback is fine


def test_governor_window_and_budget_units():
    governor = Governor(max_requests=3, rate=Rate.parse("2/s"))
    started = time.monotonic()
    for _ in range(3):
        governor.done(governor.admit())
    assert time.monotonic() - started >= 0.99  # the third waited for the window
    from conformance.run.governor import BudgetExhausted

    with pytest.raises(BudgetExhausted):
        governor.admit()
    assert Rate.parse("300/min") == Rate(300, 60.0)
    for bad in ("0/s", "5", "x/s", "5/hour"):
        with pytest.raises(ValueError):
            Rate.parse(bad)
    assert retry_after_seconds("2") == 2.0 and retry_after_seconds("9999") == 60.0
    assert retry_after_seconds("garbage") == 1.0


# --- config files ------------------------------------------------------------------------------
CONFIG = """
max_examples = 7
rate = "10/s"

[targets.staging]
base_url = "https://staging.example.com/api/laml/2010-04-01"
project_id = "${STAGING_PROJECT}"
api_token = "${STAGING_TOKEN}"
conference_sid = ["6e8bc430-9c3a-41d9-9669-0800200c9a66"]
max-requests = 500
"""


def test_config_targets_env_references_and_precedence(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "conformance.toml").write_text(CONFIG)
    env = {"STAGING_PROJECT": "proj", "STAGING_TOKEN": "PTsecret"}
    settings = settings_for({"target": "staging"}, env)
    assert settings.base_url == "https://staging.example.com/api/laml/2010-04-01"
    assert (settings.project_id, settings.api_token) == ("proj", "PTsecret")
    assert settings.max_examples == 7 and settings.max_requests == 500 and settings.rate == Rate(10, 1.0)
    assert settings_for({"target": "staging", "max_examples": "9"}, env).max_examples == 9  # flags win
    assert settings_for({"target": "staging"}, {**env, "CONFORMANCE_MAX_EXAMPLES": "8"}).max_examples == 8
    assert settings_for({}, env).base_url is None  # no target: the top level only, and the emulator


@pytest.mark.parametrize(("text", "message"), [
    ("max_exampels = 3", "unknown key 'max_exampels'"),
    ("max_examples = 0", "max_examples must be at least 1"),
    ('rate = "fast"', "a rate looks like 5/s"),
    ("[targets.x]\nreport_dir = 'r'", "unknown key 'report_dir'"),
    ('[targets.x]\napi_token = "${NOPE_NOT_SET}"', "refers to ${NOPE_NOT_SET}, which is not set"),
    ("max_examples = [", "is not valid TOML"),
])
def test_config_errors_are_one_clear_line(tmp_path, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "conformance.toml").write_text(text)
    with pytest.raises(UsageError, match=re.escape(message)):
        settings_for({"target": "x"} if "targets.x" in text else {}, {})


def test_unknown_target_and_pyproject_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.conformance]\nmax_examples = 11\n[tool.conformance.targets.a]\n'
                                             'space = "acme"\nproject_id = "p"\napi_token = "t"\n'
                                             'conference_sid = "6e8bc430-9c3a-41d9-9669-0800200c9a66"\n')
    assert settings_for({}, {}).max_examples == 11
    assert settings_for({"target": "a"}, {}).base_url == "https://acme.signalwire.com/api/laml/2010-04-01"
    with pytest.raises(UsageError, match="'b' is not defined"):
        settings_for({"target": "b"}, {})


# --- waivers -------------------------------------------------------------------------------------
def _waivers(tmp_path, expires: dt.date) -> str:
    path = tmp_path / "waivers.toml"
    path.write_text(f'[[waiver]]\nrule = "url-scheme-wss"\nreason = "gateway accepts ws; ACME-1"\n'
                    f"expires = {expires.isoformat()}\n")
    return str(path)


def test_waived_failure_does_not_fail_the_run_until_it_expires(tmp_path):
    live = _waivers(tmp_path, dt.date.today() + dt.timedelta(days=30))
    with running_emulator(app=AcceptsWs()) as server:
        proc, report = run_suite(["--base-url", server.base_url, *SMALL, "--waivers", live], suite_env(server),
                                 tmp_path / "live")
        status = {r["id"]: r["status"] for r in report["requirements"]}
        assert status["url-scheme-wss"] == "WAIVED" and proc.returncode == 0, proc.stdout[-2000:]
        assert "waived until" in proc.stdout

        expired = _waivers(tmp_path, dt.date.today())
        proc, report = run_suite(["--base-url", server.base_url, *SMALL, "--waivers", expired], suite_env(server),
                                 tmp_path / "expired")
    status = {r["id"]: r["status"] for r in report["requirements"]}
    assert status["url-scheme-wss"] == "FAIL" and proc.returncode == 1
    assert any("waiver for url-scheme-wss expired" in n for n in report["notes"])


@pytest.mark.parametrize(("text", "message"), [
    ('[[waiver]]\nrule = "nope"\nreason = "r"\nexpires = 2030-01-01\n', "unknown rule 'nope'"),
    ('[[waiver]]\nrule = "url-scheme-wss"\nexpires = 2030-01-01\n', "a reason is required"),
    ('[[waiver]]\nrule = "url-scheme-wss"\nreason = "r"\nexpires = "soon"\n', "expires must be a date"),
])
def test_bad_waivers_are_one_clear_line(tmp_path, text, message):
    import subprocess
    import sys

    path = tmp_path / "w.toml"
    path.write_text(text)
    with pytest.raises(UsageError, match=re.escape(message)):
        settings_for({"waivers": str(path)}, {})
    proc = subprocess.run([sys.executable, "-m", "conformance", "run", "--waivers", str(path)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 2 and message in proc.stderr and proc.stderr.count("\n") == 1



def test_a_503_now_and_then_is_waited_out_and_counted(tmp_path):
    """Create a (Call) Stream documents 503, "The service is temporarily unavailable. Please try again later.":
    a state of the service, retried like a 429, never judged."""
    from conformance.emulator import EmulatorApp, EmulatorSettings
    from conformance.emulator.settings import Unavailable

    app = EmulatorApp(EmulatorSettings(unavailable=Unavailable.parse("every:20")))
    with running_emulator(app=app) as server:
        proc, report = run_suite(["--base-url", server.base_url, "--seed", "4"], suite_env(server), tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:]
    retried = report["traffic"]["unavailable_retried"]
    assert retried >= 2 and f"unavailable (503) for {retried} request(s)" in proc.stdout


def test_a_service_that_stays_unavailable_ends_the_run_with_one_line(tmp_path):
    from conformance.emulator import EmulatorApp, EmulatorSettings
    from conformance.emulator.settings import Unavailable

    app = EmulatorApp(EmulatorSettings(unavailable=Unavailable.parse("always")))
    with running_emulator(app=app) as server:
        proc, report = run_suite(["--base-url", server.base_url], suite_env(server), tmp_path)
    assert proc.returncode == 2 and "CONFORMANT" not in proc.stdout  # no verdict: the plan's line only
    assert proc.stderr.startswith("conformance: the service was unavailable") and proc.stderr.count("\n") == 1
    assert report["problems"] and report["exit_code"] == 2
