"""Reports: JUnit XML, results.json, report.html, history, replay, secrets, interruption."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from conformance.emulator import EmulatorApp, running_emulator

from .broken_servers import AcceptsWs, TruncatedTokenAccepted
from .conftest import run_suite, suite_env

DATA = Path(__file__).parent / "data"
SCHEMA = Path(__file__).parents[1] / "conformance" / "report" / "schemas" / "results.schema.json"
BUDGET = ["--max-examples", "5", "--seed", "3"]
QUICK = ["--seed", "3"]  # run_suite makes it --quick: the coverage set


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory):
    """One run against a server that accepts ws:// Urls; the server stays up for replay."""
    report_dir = tmp_path_factory.mktemp("broken")
    with running_emulator(app=AcceptsWs()) as server:
        proc, report = run_suite(["--base-url", server.base_url, *BUDGET], suite_env(server), report_dir)
        yield server, report_dir, proc, report


def test_junit_validates_and_names_each_requirement(broken_run):
    _, report_dir, _, report = broken_run
    document = etree.parse(str(report_dir / "junit.xml"))
    schema = etree.XMLSchema(etree.parse(str(DATA / "junit.xsd")))
    assert schema.validate(document), schema.error_log
    cases = document.findall(".//testcase")
    names = [c.get("name") for c in cases]
    assert len(cases) == len(report["requirements"]) and all(names)
    assert "url-scheme-wss [MUST]" in names
    failure = document.find(".//testcase[@name='url-scheme-wss [MUST]']/failure")
    assert failure is not None and "curl -sS -X POST" in failure.text and "conformance replay" in failure.text
    assert document.find(".//testcase[@name='url-required [MUST]']/failure") is None


def test_results_json_matches_its_shipped_schema(broken_run):
    _, report_dir, _, report = broken_run
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(
        report)
    assert report["exit_code"] == 1 and report["seed"] == 3 and report["max_examples"] == 5
    failing = {r["id"]: r for r in report["requirements"] if r["status"] == "FAIL"}
    assert set(failing) == {"url-scheme-wss"}
    assert report["ledger"] and all(entry["sid"] for entry in report["ledger"])


def test_schema_rejects_a_broken_report():
    schema = json.loads(SCHEMA.read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"exit_code": 7}, schema)


def test_history_names_newly_failing_and_fixed(tmp_path):
    history = tmp_path / "history.jsonl"
    with running_emulator() as good:
        base = good.base_url
        proc, report = run_suite(["--base-url", base, *QUICK], suite_env(good), tmp_path)
        assert report["changes"] == {"newly_failing": [], "fixed": []}
        good.app.__class__ = AcceptsWs  # the same server, now broken: a regression
        proc, report = run_suite(["--base-url", base, *QUICK], suite_env(good), tmp_path)
        assert report["changes"]["newly_failing"] == ["url-scheme-wss"]
        assert "newly failing url-scheme-wss" in proc.stdout
        good.app.__class__ = EmulatorApp  # and fixed again
        proc, report = run_suite(["--base-url", base, *QUICK], suite_env(good), tmp_path)
        assert report["changes"] == {"newly_failing": [], "fixed": ["url-scheme-wss"]}
    assert len(history.read_text().splitlines()) == 3


def test_html_renders_in_headless_chromium(broken_run):
    _, report_dir, _, report = broken_run
    browser = _chromium()
    html = (report_dir / "report.html").read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "the report must not fetch anything"
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--dump-dom", (report_dir / "report.html").as_uri()],
            capture_output=True, text=True, timeout=120,
        ).stdout
    tree = etree.HTML(dom)
    verdict = tree.find(".//div[@id='verdict']")
    assert verdict is not None and "NOT CONFORMANT" in "".join(verdict.itertext())
    rows = tree.findall(".//table[@id='matrix']//tr[@class='rule']")
    assert len(rows) == len(report["requirements"])
    failed_row = tree.find(".//tr[@data-rule='url-scheme-wss']")
    assert "FAIL" in "".join(failed_row.itertext())
    assert tree.find(".//div[@id='fail-url-scheme-wss']") is not None
    assert len(tree.findall(".//svg")) >= 2
    cells = tree.findall(".//div[@id='coverage-matrix']//div[@data-rule]")  # the coverage matrix, as rendered
    assert len(cells) == len(report["requirements"])
    assert "FAIL" in tree.find(".//div[@id='coverage-matrix']//div[@data-rule='url-scheme-wss']").get("class")
    assert tree.find(".//table[@id='coverage-values']") is not None


_LAYOUT_SCRIPT = """<script>
(function () {
  var width = window.innerWidth, problems = [];
  function name(e) {
    return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal === undefined
      ? "." + String(e.className).trim().split(/\\s+/).join(".") : "");
  }
  function clipped(e) {  // inside a box that scrolls or clips it, so it does not push the page wider
    for (var p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  }
  if (document.documentElement.scrollWidth > width) {
    problems.push("page is " + document.documentElement.scrollWidth + " px wide in a " + width + " px window");
  }
  var over = new Set();  // report the outermost element that overflows, not each of its children
  document.querySelectorAll("body *").forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width && r.right > width + 1 && !clipped(e)) {
      over.add(e);
      if (!over.has(e.parentElement)) {
        problems.push(name(e) + " ends at " + Math.round(r.right) + " px, past the " + width + " px page");
      }
    }
  });
  document.querySelectorAll(".cov .cell").forEach(function (cell) {
    var label = cell.querySelector("b"), box = cell.getBoundingClientRect();
    if (!label || !label.nextSibling) return;
    var range = document.createRange();
    range.setStartBefore(label.nextSibling);
    range.setEndAfter(cell.lastChild);
    var l = label.getBoundingClientRect(), c = range.getBoundingClientRect(), what = cell.dataset.rule;
    if (l.bottom > c.top + 0.5 && c.bottom > l.top + 0.5 && l.right > c.left && c.right > l.left) {
      problems.push("cell " + what + ": its label runs into its count");
    }
    if (l.bottom > box.bottom + 0.5 || c.bottom > box.bottom + 0.5 || l.right > box.right + 0.5
        || c.right > box.right + 0.5) {
      problems.push("cell " + what + ": its label or count is cut off by the cell");
    }
  });
  var out = document.createElement("pre");
  out.id = "layout-check";
  out.textContent = JSON.stringify(problems);
  document.body.appendChild(out);
})();
</script>"""


def _layout_problems(browser: str, report_html: Path, width: int) -> list[str]:
    """What overflows report.html in a WIDTH px window, measured by Chromium's own layout."""
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "report.html"  # a copy with the measuring script at the end of the body
        page.write_text(report_html.read_text().replace("</body>", _LAYOUT_SCRIPT + "</body>"))
        dom = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--window-size={width},900", f"--user-data-dir={scratch}/profile", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120,
        ).stdout
    found = etree.HTML(dom).find(".//pre[@id='layout-check']")
    assert found is not None, "the layout script did not run in Chromium"
    return json.loads(found.text)


def _chromium() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (.ci/run installs it) but is not installed")
        pytest.skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
    return browser


@pytest.mark.parametrize("width", [1280, 800])
def test_html_fits_the_window_in_headless_chromium(broken_run, width):
    _, report_dir, _, _ = broken_run
    browser = _chromium()
    problems = _layout_problems(browser, report_dir / "report.html", width)
    assert problems == [], f"report.html at {width} px wide:\n" + "\n".join(problems)


def test_replay_resends_the_failing_request(broken_run):
    server, report_dir, _, _ = broken_run
    env = suite_env(server)
    proc = subprocess.run([sys.executable, "-m", "conformance", "replay", str(report_dir / "results.json"),
                           "url-scheme-wss"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "-> 200" in proc.stdout and "Url=ws" in (report_dir / "results.json").read_text()
    bad = subprocess.run([sys.executable, "-m", "conformance", "replay", str(report_dir / "results.json"),
                          "no-such-rule"], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "no requirement" in bad.stderr


def test_replay_derives_a_near_miss_credential_again_from_yours(tmp_path):
    """A near miss of the token is in the report redacted; the replay derives it again, so the
    server's defect shows again (it used to re-send the redacted header and get a 401)."""
    with running_emulator(app=TruncatedTokenAccepted()) as server:
        proc, report = run_suite(["--base-url", server.base_url, *QUICK], suite_env(server), tmp_path)
        assert proc.returncode == 1, proc.stdout[-2000:]
        example = next(r for r in report["requirements"] if r["id"] == "auth-near-miss")["examples"][0]
        assert example["derived_credentials"]["kind"] == "token-truncated"
        assert server.api_token[:-1] not in json.dumps(report)
        replayed = subprocess.run([sys.executable, "-m", "conformance", "replay", str(tmp_path / "results.json"),
                                   "auth-near-miss"], capture_output=True, text=True, env=suite_env(server),
                                  timeout=60)
    assert replayed.returncode == 0, replayed.stderr
    assert "-> 200" in replayed.stdout and "without its last character, derived from yours" in replayed.stdout
    assert server.api_token not in replayed.stdout + replayed.stderr


class _RecordsBearerTokens(EmulatorApp):
    seen: set = set()

    def decode(self, content_type, raw):
        fields = super().decode(content_type, raw)
        token = fields.get("AuthorizationBearerToken")
        if isinstance(token, str) and len(token) >= 8:
            self.seen.add(token)
        return fields


class _LeakyButRecording(_RecordsBearerTokens):
    """Also echoes the bearer token, so that failure reports carry it in their responses."""

    def stream_body(self, stream):
        return {**super().stream_body(stream), "name": stream.fields.get("AuthorizationBearerToken") or stream.name}


@pytest.mark.parametrize("app_class", [_RecordsBearerTokens, _LeakyButRecording])
def test_no_secret_reaches_reports_or_output(tmp_path, app_class):
    from conformance.emulator import EmulatorSettings

    token = "PTcanary0123456789abcdef-secret"
    app = app_class(EmulatorSettings(api_token=token))
    app.seen = set()
    with running_emulator(app=app) as server:
        proc, _ = run_suite(["--base-url", server.base_url, "--max-examples", "8"], suite_env(server), tmp_path)
    import base64

    basic = base64.b64encode(f"{server.project_id}:{token}".encode()).decode()
    # Hypothesis draws string constants from the project's own modules, and a word such as
    # "channels" is in a report for its own sake: only a token no source file holds can be a leak
    sent = {t for t in app.seen if t not in _project_text()}
    assert len(sent) >= 5  # bearer tokens were really sent
    texts = {"stdout": proc.stdout, "stderr": proc.stderr}
    texts.update({p.name: p.read_text() for p in tmp_path.iterdir()})
    for where, text in texts.items():
        assert token not in text, where
        assert basic not in text, where
        leaked = [t for t in sent if t in text]
        assert not leaked, (where, leaked[:2])


@functools.cache
def _project_text() -> str:
    root = Path(__file__).parents[1]
    suffixes = {".py", ".yaml", ".json", ".html", ".css", ".js", ".toml"}
    return "\n".join(p.read_text(errors="replace") for folder in ("conformance", "strategies", "tests")
                     for p in (root / folder).rglob("*") if p.is_file() and p.suffix in suffixes)


def _ignore_sigint() -> None:
    # as in a background job of a non-interactive shell (CI may run us so): the run must still stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_run_still_writes_reports_and_says_so(tmp_path, signum):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}
    proc = subprocess.Popen([sys.executable, "-m", "conformance", "run", "--max-examples", "400",
                             "--report-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, preexec_fn=_ignore_sigint)
    try:
        for _ in range(3):  # wait for a few progress lines: the run is under way
            proc.stdout.readline()
        time.sleep(0.5)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out[-2000:], err[-2000:])
    report = json.loads((tmp_path / "results.json").read_text())
    assert report["interrupted"] is True
    assert "interrupted" in report["verdict"]
    assert (tmp_path / "junit.xml").exists() and (tmp_path / "report.html").exists()
    assert "Traceback" not in err


_SIGNAL_IN_GC = """
import gc, signal, sys
from conformance.cli.main import main

collections = []

def interrupt_once(phase, info):
    # the signal arrives while the collector runs a callback: its KeyboardInterrupt cannot unwind
    if phase == "start" and "conformance.run.runner" in sys.modules:
        collections.append(info)
        if len(collections) == 20:  # the run is under way
            gc.callbacks.remove(interrupt_once)
            signal.raise_signal(signal.SIGINT)

gc.callbacks.append(interrupt_once)
sys.exit(main(sys.argv[1:]))
"""


def test_a_signal_inside_a_gc_callback_still_ends_the_run_quietly(tmp_path):
    """CI once caught Ctrl-C landing in Hypothesis's gc callback: the run ended, but printed a traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "CONFORMANCE_"))}
    proc = subprocess.run([sys.executable, "-c", _SIGNAL_IN_GC, "run", "--max-examples", "400",
                           "--report-dir", str(tmp_path)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 130, (proc.stdout[-2000:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr[-2000:]
    assert json.loads((tmp_path / "results.json").read_text())["interrupted"] is True
