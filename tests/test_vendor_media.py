"""--media against a vendor's server on this machine: a separate process, loopback, wss, no public URLs.

The "vendor" is `python -m conformance emulate --media` started as a child process: the suite knows
it only by its base URL, as it would know anyone's server. Whether that server checks the wss
certificate is its choice (SignalWire's `streamSslValidateCertificate` defaults to false); here it
checks, and trusts the suite's CA through SSL_CERT_FILE, as the README tells vendors to.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
import trustme

from conformance.cli.main import main
from conformance.media.receivers import Receivers
from conformance.run.media_probe import handshake_summary

from .conftest import run_suite

TRUST_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
STREAMS = 16  # every codec with every track, and one with the defaults
DTMF_AND_MARK = ("--send-dtmf", "--send-mark")  # so that media-events is met, not N/A


@pytest.fixture()
def credentials() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))
           and k not in TRUST_VARIABLES}
    env.update({"SIGNALWIRE_PROJECT_ID": str(uuid.uuid4()), "SIGNALWIRE_API_TOKEN": "PT" + uuid.uuid4().hex,
                "CONFORMANCE_CONFERENCE_SID": str(uuid.uuid4())})
    return env


@contextlib.contextmanager
def vendor_server(env: dict, *args: str):
    """`conformance emulate --port 0 ARGS` in a child process; yields its base URL; stops it after."""
    proc = subprocess.Popen([sys.executable, "-m", "conformance", "emulate", "--port", "0", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    watchdog = threading.Timer(600, proc.kill)  # a hung child must not outlive the test run
    watchdog.start()
    try:
        printed = []
        for line in proc.stdout:
            printed.append(line)
            if line.startswith("press Ctrl-C"):
                break
        found = re.search(r"listening on (http://\S+)", "".join(printed))
        assert found, "".join(printed)
        yield found.group(1)
    finally:
        watchdog.cancel()
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def media_results(report: dict) -> dict[str, dict]:
    return {r["id"]: r for r in report["requirements"] if r["area"] == "media"}


@pytest.mark.parametrize("verifies", [True, False], ids=["server-checks-the-certificate", "server-does-not-check"])
def test_vendor_server_on_loopback_passes_over_wss(tmp_path, credentials, verifies):
    """Checking the certificate is the server's choice: the suite passes it either way."""
    reports = tmp_path / "reports"
    # before the vendor's server starts: a dry run makes the CA and says where it is and how to trust it
    dry, _ = run_suite(["--base-url", "http://127.0.0.1:9/api/laml/2010-04-01", "--media", "--dry-run", "--quick"],
                       credentials, reports)
    assert dry.returncode == 0, dry.stdout[-2000:] + dry.stderr[-2000:]
    printed = re.search(r"the wss receiver's CA is (\S+);.*SSL_CERT_FILE=", dry.stdout)
    assert printed, dry.stdout[:2000]
    ca_file = Path(printed.group(1))
    assert ca_file == (reports / "media-tls" / "ca.pem").resolve() and ca_file.read_text().startswith("-----BEGIN")
    ca_before = ca_file.read_bytes()

    server = ({**credentials, "SSL_CERT_FILE": str(ca_file)}, "--media", "--media-verify-tls", *DTMF_AND_MARK) \
        if verifies else (credentials, "--media", *DTMF_AND_MARK)
    with vendor_server(*server) as base_url:
        proc, report = run_suite(["--base-url", base_url, "--media", "--max-examples", "2"], credentials, reports)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert f"the wss receiver's CA is {ca_file};" in proc.stdout  # the same file, at the same place
    assert ca_file.read_bytes() == ca_before  # kept: the server was told once
    media = media_results(report)
    assert media and all(r["status"] == "PASS" for r in media.values()), {k: r["status"] for k, r in media.items()}
    assert media["media-connects"]["passed"] == STREAMS
    assert "streams to wss://127.0.0.1:" in proc.stdout


def test_a_target_that_never_connects_gets_one_line_per_stream_and_fails(tmp_path, credentials, short_media_waits):
    with vendor_server(credentials) as base_url:  # no --media: its streams never dial their Url
        proc, report = run_suite(["--base-url", base_url, "--media", "--max-examples", "1"], credentials,
                                 tmp_path)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if "never connected to wss://127.0.0.1:" in line]
    assert len(lines) == STREAMS, proc.stdout[-3000:]
    assert all("TLS, a certificate from the suite's CA" in line and "no connection arrived" in line
               for line in lines)
    with_token = [line for line in lines if "Authorization: Bearer <its AuthorizationBearerToken>" in line]
    without = [line for line in lines if "no Authorization header: no token sent" in line]
    assert with_token and without and len(with_token) + len(without) == STREAMS
    media = media_results(report)
    assert all(r["status"] == ("FAIL" if r["level"] == "MUST" else "WARN")
               for r in media.values() if r["id"] != "media-duplicate-name"), media
    connects = media["media-connects"]
    assert connects["failed"] == STREAMS and "none within" in connects["examples"][0]["got"]
    assert "never connected" in media["media-format"]["examples"][0]["got"]


def test_a_target_that_does_not_trust_the_certificate_is_told_so(tmp_path, credentials):
    with vendor_server(credentials, "--media", "--media-verify-tls") as base_url:  # verifies, without our CA
        proc, report = run_suite(["--base-url", base_url, "--media", "--max-examples", "1"], credentials,
                                 tmp_path)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
    lines = [line for line in proc.stdout.splitlines() if "never connected to wss://" in line]
    assert len(lines) == STREAMS
    assert all("TLS handshake(s) failed" in line and "does not trust the certificate" in line for line in lines)
    assert "TLS handshake(s) failed" in media_results(report)["media-connects"]["examples"][0]["got"]


def test_the_receiver_names_a_refused_certificate_and_plain_http():
    """Clients that send an alert (OpenSSL's, curl's) are told apart from those that just close."""
    with Receivers() as receivers:
        for context in (ssl.create_default_context(), None):
            with contextlib.suppress(ssl.SSLError, OSError):
                with socket.create_connection(("127.0.0.1", receivers.media_port), timeout=5) as raw:
                    if context is None:
                        raw.sendall(b"GET /media/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        raw.recv(100)
                    else:
                        context.wrap_socket(raw, server_hostname="127.0.0.1").close()
        assert receivers.wait(lambda: len(receivers.tls.failures) == 2, timeout=10), receivers.tls
        summary = handshake_summary(receivers.tls, serves_tls=True)
    assert "does not trust the certificate's CA (TLSV1_ALERT_UNKNOWN_CA)" in summary
    assert "plain HTTP (ws://) to the wss:// port" in summary


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def tls_terminator(forward_port: int, tmp_path: Path):
    """A stand-in for the tunnel a real deployment needs: wss in front, plain ws to the receiver."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    loop = asyncio.new_event_loop()

    async def pipe(reader, writer):
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def handle(reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", forward_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server = loop.run_until_complete(asyncio.start_server(handle, "127.0.0.1", 0, ssl=context))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)


def test_public_urls_still_work_behind_a_terminator(tmp_path, credentials):
    media_port, callback_port = _free_port(), _free_port()
    with tls_terminator(media_port, tmp_path) as public_port, \
            vendor_server(credentials, "--media", *DTMF_AND_MARK) as base_url:
        proc, report = run_suite(["--base-url", base_url, "--media", "--max-examples", "1",
                                  "--media-public-url", f"wss://127.0.0.1:{public_port}", "--media-port",
                                  str(media_port), "--callback-public-url", f"http://127.0.0.1:{callback_port}",
                                  "--callback-port", str(callback_port)], credentials, tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert f"streams to wss://127.0.0.1:{public_port}/media/" in proc.stdout
    assert "the wss receiver's CA" not in proc.stdout  # the terminator holds TLS, not the suite
    media = media_results(report)
    assert all(r["status"] == "PASS" for r in media.values()) and media["media-connects"]["passed"] == STREAMS


def _pem(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


TARGET = ["run", "--base-url", "https://vendor.example/api/laml/2010-04-01", "--project-id", "p", "--api-token",
          "t", "--conference-sid", "6e8bc430-9c3a-41d9-9669-0800200c9a66", "--media"]
LOOPBACK = ["run", "--base-url", "http://127.0.0.1:9/api/laml/2010-04-01", "--project-id", "p", "--api-token",
            "t", "--conference-sid", "6e8bc430-9c3a-41d9-9669-0800200c9a66", "--media"]


@pytest.fixture()
def pems(tmp_path) -> dict[str, str]:
    ca = trustme.CA()
    cert, other = ca.issue_cert("127.0.0.1"), ca.issue_cert("127.0.0.1")
    return {"cert": _pem(tmp_path, "cert.pem", cert.cert_chain_pems[0].bytes().decode()),
            "key": _pem(tmp_path, "key.pem", cert.private_key_pem.bytes().decode()),
            "other_key": _pem(tmp_path, "other.pem", other.private_key_pem.bytes().decode()),
            "junk": _pem(tmp_path, "junk.pem", "not a certificate\n"),
            "dir": str(tmp_path)}


BAD_MEDIA_INPUT = [
    (TARGET, "needs --media-host (an address of this machine"),
    (LOOPBACK + ["--media-host", "http://me.test"], "--media-host must be a host name or an IP address"),
    (LOOPBACK + ["--media-host", "me.test:8080"], "--media-host must be a host name or an IP address"),
    (LOOPBACK + ["--media-host", "a b"], "--media-host must be a host name or an IP address"),
    (LOOPBACK + ["--media-host", "300.1.1.1"], "--media-host must be a host name or an IP address"),
    (LOOPBACK + ["--media-host", "0.0.0.0"], "--media-host must be an address the target can dial"),
    (LOOPBACK + ["--media-public-url", "https://tunnel.example"], "--media-public-url must be a wss:// URL"),
    (LOOPBACK + ["--callback-public-url", "wss://tunnel.example"], "--callback-public-url must be a https:// or"),
    (LOOPBACK + ["--media-cert", "/no/such/cert.pem", "--media-key", "{key}"], "--media-cert: no file at"),
    (LOOPBACK + ["--media-cert", "{cert}", "--media-key", "/no/such/key.pem"], "--media-key: no file at"),
    (LOOPBACK + ["--media-cert", "{junk}", "--media-key", "{key}"], "is not a PEM file"),
    (LOOPBACK + ["--media-cert", "{dir}", "--media-key", "{key}"], "--media-cert: cannot read"),
    (LOOPBACK + ["--media-cert", "{cert}"], "--media-cert and --media-key go together"),
    (LOOPBACK + ["--media-cert", "{cert}", "--media-key", "{other_key}"], "not a PEM certificate with its private"),
    (LOOPBACK + ["--media-cert", "{key}", "--media-key", "{key}"], "not a PEM certificate with its private"),
    (LOOPBACK + ["--media-cert", "{cert}", "--media-key", "{key}", "--media-public-url", "wss://t.example"],
     "give one or the other"),
    (["emulate", "--media-verify-tls"], "--media-ca-file and --media-verify-tls go with --media"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_MEDIA_INPUT, ids=[m for _, m in BAD_MEDIA_INPUT])
def test_bad_media_input_is_one_line(capsys, pems, argv, message):
    assert main([arg.format(**pems) for arg in argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err, err


def test_own_certificate_and_a_host_are_accepted(pems):
    from conformance.cli.options import TARGET_OPTIONS, resolve, run_settings

    given = {"base_url": "https://vendor.example/api/laml/2010-04-01", "project_id": "p", "api_token": "t",
             "conference_sid": ["6e8bc430-9c3a-41d9-9669-0800200c9a66"], "media": True,
             "media_host": "[::1]", "media_cert": pems["cert"], "media_key": pems["key"]}
    settings = run_settings(resolve(TARGET_OPTIONS, given, environ={}))
    assert (settings.media_host, settings.media_cert, settings.media_key) == ("::1", pems["cert"], pems["key"])


def test_a_media_host_that_is_not_this_machine_is_one_line(tmp_path, credentials):
    proc, _ = run_suite(["--media", "--media-host", "192.0.2.1"], credentials, tmp_path, timeout=120)
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    err = proc.stderr.strip()
    assert err.startswith("conformance: --media: the receivers could not start on 192.0.2.1") and "\n" not in err
    assert "Traceback" not in proc.stdout + proc.stderr


def test_own_certificate_serves_the_receiver(pems):
    with Receivers(cert_file=pems["cert"], key_file=pems["key"]) as receivers:
        assert receivers.ca_file is None and receivers.tls_description() == "TLS, your certificate"
        context = ssl.create_default_context(cafile=None)
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        with socket.create_connection(("127.0.0.1", receivers.media_port), timeout=5) as raw:
            with context.wrap_socket(raw) as tls:
                served = tls.getpeercert(binary_form=True)
    expected = ssl.PEM_cert_to_DER_cert(Path(pems["cert"]).read_text())
    assert served == expected


def test_the_ca_is_kept_and_its_key_private(tmp_path):
    from conformance.common.tls import media_tls_files

    first = media_tls_files(tmp_path, ("127.0.0.1", "me.test"))
    ca, cert = first.ca_file.read_bytes(), first.cert_file.read_bytes()
    second = media_tls_files(tmp_path, ("127.0.0.1", "other.test"))
    assert second.ca_file.read_bytes() == ca and second.cert_file.read_bytes() != cert
    assert all((tmp_path / name).stat().st_mode & 0o077 == 0 for name in ("ca-key.pem", "key.pem"))
    (tmp_path / "ca-key.pem").write_text("damaged")
    assert media_tls_files(tmp_path, ("127.0.0.1",)).ca_file.read_bytes() != ca  # a damaged CA is replaced
