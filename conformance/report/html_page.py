"""`report.html`: one self-contained page (no fetches): verdict, matrix by area, failures, charts."""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path

from conformance.records.kinds import Status

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:0 20px 40px}
.verdict{padding:18px 20px;font-size:20px;font-weight:600;color:#fff}
.verdict.pass{background:#1f7a3f}.verdict.fail{background:#b3261e}.verdict.unusable{background:#7a5a00}
h2{margin-top:28px;border-bottom:1px solid #d5d9e0;padding-bottom:4px}
table{border-collapse:collapse;width:100%;background:#fff}.scroll{overflow-x:auto;max-width:100%;margin:4px 0}
th,td{padding:5px 8px;border-bottom:1px solid #e4e7ec;
text-align:left;vertical-align:top}th{background:#eef0f4}
.st{font-weight:700;font-family:ui-monospace,monospace}.PASS{color:#1f7a3f}.FAIL{color:#b3261e}.WARN{color:#a15c00}
.SKIP{color:#6b7280}.WAIVED{color:#6b4fa0}td code{white-space:nowrap}
pre{white-space:pre-wrap;word-break:break-all;background:#fff;border:1px solid #e4e7ec;
padding:8px;font-size:12px}.meta td:first-child{width:170px;color:#555}.charts{display:flex;flex-wrap:wrap;gap:24px}
.chart{background:#fff;border:1px solid #e4e7ec;padding:10px}.chart h3{margin:0 0 6px;font-size:14px}
.failure{background:#fff;border-left:4px solid #b3261e;padding:8px 12px;margin:12px 0}
.failure.WARN{border-left-color:#a15c00}
.verdict.incomplete{background:#5b5f6b}.NOT-RUN{color:#b3261e;font-style:italic}.N-A{color:#6b7280}
.cov{display:flex;flex-wrap:wrap;gap:3px;margin:4px 0 10px}.cov .cell{width:132px;min-height:34px;padding:3px 5px;
font-size:10px;line-height:1.25;border-radius:3px;color:#fff;box-sizing:border-box}
.cell.PASS{background:#1f7a3f}.cell.FAIL{background:#b3261e}.cell.WARN{background:#a15c00}
.cell.WAIVED{background:#6b4fa0}.cell.SKIP{background:#c9ccd3;color:#333}.cell.N-A{background:#8fa39a}
.cell.NOT-RUN{background:#fff;color:#b3261e;border:2px dashed #b3261e}.cell b{display:block;font-size:12px;
overflow-wrap:anywhere}#matrix td:nth-child(n+6),#open-points td:nth-child(n+3),.failure{overflow-wrap:anywhere}
table.counts{width:auto}table.counts td.gap{background:#fde2e1;color:#b3261e;font-weight:700}
#coverage-dimensions td.gap,#coverage-dimensions span.gap{background:#fde2e1;color:#b3261e;font-weight:700}
#coverage-dimensions span.kind{display:inline-block;margin:1px 6px 1px 0;padding:0 4px;border:1px solid #ddd;
border-radius:3px;overflow-wrap:anywhere}#coverage-dimensions td.wrap{overflow-wrap:anywhere}
"""
_STATUS_COLOURS = {"2": "#1f7a3f", "4": "#2f6fb3", "5": "#b3261e"}


def _css(status: str) -> str:
    return status.replace(" ", "-").replace("/", "-")


def _bars(title: str, rows: list[tuple[str, Counter]], width: int = 480) -> str:
    """Horizontal stacked bars: one row per label, one segment per status code."""
    height = 26 * len(rows) + 30
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}">']
    biggest = max((sum(c.values()) for _, c in rows), default=1) or 1
    for i, (label, counts) in enumerate(rows):
        y, x = 10 + 26 * i, 150.0
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{escape(label)}</text>')
        for status, n in sorted(counts.items()):
            w = (width - 200) * n / biggest
            colour = _STATUS_COLOURS.get(str(status)[0], "#888")
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="18" fill="{colour}">'
                         f'<title>{status}: {n}</title></rect>')
            if w > 28:
                parts.append(f'<text x="{x + 3:.1f}" y="{y + 13}" font-size="11" fill="#fff">{status}</text>')
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 14}" font-size="11">{sum(counts.values())}</text>')
    parts.append("</svg>")
    return f'<div class="chart"><h3>{escape(title)}</h3>{"".join(parts)}</div>'


def _histogram(title: str, values: list[float], bins: int = 20, width: int = 480, height: int = 160) -> str:
    if not values:
        return ""
    top = sorted(values)[int(0.99 * (len(values) - 1))] or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int(v / top * bins))] += 1
    peak = max(counts) or 1
    bar = (width - 40) / bins
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height + 30}">']
    for i, n in enumerate(counts):
        h = (height - 10) * n / peak
        parts.append(f'<rect x="{30 + i * bar:.1f}" y="{height - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                     f'fill="#2f6fb3"><title>{i * top / bins:.1f}-{(i + 1) * top / bins:.1f} ms: {n}</title></rect>')
    parts.append(f'<text x="30" y="{height + 16}" font-size="11">0 ms</text>'
                 f'<text x="{width - 90}" y="{height + 16}" font-size="11">{top:.1f} ms (p99)</text></svg>')
    return f'<div class="chart"><h3>{escape(title)}</h3>{"".join(parts)}</div>'


def _trend(title: str, values: list[float | None], unit: str, width: int = 480, height: int = 140) -> str:
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    top = max(v for _, v in points) or 1.0
    step = (width - 60) / (len(values) - 1)
    path = " ".join(f"{40 + i * step:.1f},{height - 10 - (height - 30) * v / top:.1f}" for i, v in points)
    dots = "".join(f'<circle cx="{40 + i * step:.1f}" cy="{height - 10 - (height - 30) * v / top:.1f}" r="3" '
                   f'fill="#2f6fb3"><title>run {i + 1}: {v}{unit}</title></circle>' for i, v in points)
    return (f'<div class="chart"><h3>{escape(title)}</h3><svg role="img" aria-label="{escape(title)}" '
            f'width="{width}" height="{height}"><polyline points="{path}" fill="none" stroke="#2f6fb3" '
            f'stroke-width="2"/>{dots}<text x="0" y="14" font-size="11">{top:g}{unit}</text></svg></div>')


def _waveforms(waveforms: dict[str, list[int]], width: int = 300, height: int = 80) -> str:
    """Per codec, the first samples received (--media): a tone should look like one."""
    charts = []
    for codec, samples in waveforms.items():
        if not samples:
            continue
        step = width / max(1, len(samples) - 1)
        peak = max(1, max(abs(s) for s in samples))
        points = " ".join(f"{i * step:.1f},{height / 2 - (height / 2 - 4) * s / peak:.1f}"
                          for i, s in enumerate(samples))
        charts.append(f'<div class="chart waveform"><h3>{escape(codec)} (received)</h3><svg role="img" '
                      f'aria-label="waveform {escape(codec)}" width="{width}" height="{height}"><polyline '
                      f'points="{points}" fill="none" stroke="#1f7a3f" stroke-width="1"/></svg></div>')
    return "".join(charts)


def _scrolling(table: str) -> str:
    """A table in its own box: wider than the page (long values, a narrow window), it scrolls sideways
    inside the box instead of pushing the whole page past the window's right edge."""
    return f'<div class="scroll">{table}</div>'


def _matrix(requirements: list[dict]) -> str:
    areas: dict[str, list[dict]] = {}
    for r in requirements:
        areas.setdefault(r["area"], []).append(r)
    out = ['<table id="matrix"><thead><tr><th>rule</th><th>level</th><th>status</th><th>ok</th><th>failed</th>'
           "<th>requirement</th><th>rests on</th></tr></thead>"]
    for area in sorted(areas):
        out.append(f'<tbody data-area="{escape(area)}"><tr><th colspan="7">{escape(area)}</th></tr>')
        for r in sorted(areas[area], key=lambda r: (Status(r["status"]).rank, r["id"])):
            out.append(f'<tr class="rule" data-rule="{escape(r["id"])}"><td><code>{escape(r["id"])}</code></td>'
                       f'<td>{r["level"]}</td><td class="st {_css(r["status"])}">{r["status"]}</td>'
                       f'<td>{r["passed"]}</td><td>{r["failed"]}</td><td>{escape(r["title"])}</td><td>{escape(r["basis"])}</td></tr>')
        out.append("</tbody>")
    out.append("</table>")
    return _scrolling("".join(out))


def _counts_table(table_id: str, rows: list[tuple[str, dict]]) -> str:
    """One row per group, one cell per value and its count; a count of 0 is a gap, in red."""
    out = [f'<table class="counts" id="{table_id}">']
    for label, counts in rows:
        cells = "".join(f'<td class="{"gap" if n == 0 else ""}" data-value="{escape(str(k))}">'
                        f"<code>{escape(str(k))}</code> {n}</td>" for k, n in counts.items())
        out.append(f"<tr><th>{escape(label)}</th>{cells or '<td>none</td>'}</tr>")
    return _scrolling("".join(out) + "</table>")


def _coverage(report: dict) -> str:
    """Rules as cells (status colour, requests that exercised each), then the values seen."""
    must = report.get("must_rules") or {}
    coverage = report.get("coverage") or {}
    areas: dict[str, list[dict]] = {}
    for r in report["requirements"]:
        areas.setdefault(r["area"], []).append(r)
    parts = [f'<p id="must-tally">{must.get("exercised", 0)} of {must.get("expected", 0)} MUST rules exercised'
             + ("" if must.get("media_expected") else "; media rules are checked only with --media (SKIP, not "
                "counted)")
             + (f'; coverage set {coverage["coverage_set_requests"]} requests' if coverage.get("coverage_set_requests")
                else "") + "</p>"]
    if must.get("not_run"):
        parts.append(f'<p class="NOT-RUN" id="not-run">NOT RUN: {", ".join(escape(i) for i in must["not_run"])}</p>')
    parts.append('<div id="coverage-matrix">')
    for area in sorted(areas):
        cells = "".join(
            f'<div class="cell {_css(r["status"])}" data-rule="{escape(r["id"])}" title="{escape(r["title"])}">'
            f'<b>{escape(r["id"])}</b><span>{r["status"]} · {r.get("requests", 0)} req</span></div>'
            for r in sorted(areas[area], key=lambda r: r["id"]))
        parts.append(f'<div><small>{escape(area)}</small><div class="cov">{cells}</div></div>')
    parts.append("</div>")
    if coverage:
        parts.append(_counts_table("coverage-values", [
            *[(f"enum {f}", v) for f, v in coverage.get("enum_values", {}).items()],
            ("boundaries", coverage.get("boundaries", {})),
            ("encodings", coverage.get("encodings", {})),
            ("statuses", coverage.get("statuses", {})),
        ]))
        points = coverage.get("open_points") or {}
        if points:
            parts.append(_counts_table("coverage-open-points",
                                       [(p, {"requests": v["requests"], **v["statuses"]}) for p, v in points.items()]))
    return "".join(parts)


def _kind(kind: str, seen: dict) -> str:
    said = ", ".join(f"{status} ×{n}" for status, n in seen["answers"].items())
    return (f'<span class="kind{"" if seen["requests"] else " gap"}" data-kind="{escape(kind)}">{escape(kind)} '
            f'×{seen["requests"]}{f" ({escape(said)})" if said else ""}</span>')


def _dimensions(dimensions: list[dict]) -> str:
    """Coverage by dimension: one row per class (position, judge, requests, answers; each kind of it, where it
    has kinds). A class or kind nothing was sent for is a gap, in red."""
    if not dimensions:
        return ""
    rows = []
    for dimension in dimensions:
        for c in dimension["classes"]:
            answers = ", ".join(f"{k} ×{v}" for k, v in c.get("answers", {}).items())
            if "members" in c:
                answers = " ".join(_kind(k, m) for k, m in c["members"].items())
            rows.append(f'<tr data-class="{escape(c["id"])}"><td>{escape(dimension["id"])}</td>'
                        f'<td>{escape(c["id"].split("/", 1)[1])}</td><td>{escape(c["position"])}</td>'
                        f'<td>{escape(c["judged_by"])}</td>'
                        f'<td class="{"sent" if c["sent_all"] else "gap"}">{c["requests"]}</td>'
                        f'<td class="wrap">{answers}</td></tr>')
    return ('<div class="scroll"><table id="coverage-dimensions"><tr><th>dimension</th><th>class</th>'
            '<th>position</th><th>judged by</th><th>requests</th><th>answers (by kind)</th></tr>'
            + "".join(rows) + "</table></div>")


def _failures(requirements: list[dict]) -> str:
    blocks = []
    for r in sorted(requirements, key=lambda r: (Status(r["status"]).rank, r["id"])):
        for e in r["examples"][:1] if r["status"] in ("FAIL", "WARN") else []:
            blocks.append(
                f'<div class="failure {r["status"]}" id="fail-{escape(r["id"])}"><b>{r["status"]} '
                f'<code>{escape(r["id"])}</code></b> ({escape(e["reason"])})<br>expected {escape(e["expected"])}'
                f'<br>got {escape(e["got"])}<h4>request</h4><pre>{escape(e["method"])} {escape(e["url"])}\n'
                f'Content-Type: {escape(e["content_type"] or "")}\n\n{escape(e["request_body"])}</pre>'
                f'<h4>response ({e["status"]})</h4><pre>{escape(e["response_body"])}</pre>'
                f'<h4>reproduce</h4><pre>{escape(e["curl"])}\n\n{escape(e["replay"])}</pre></div>')
    return "".join(blocks) or "<p>No failures.</p>"


def _open_points(points: list[dict]) -> str:
    """Open points touched: what the target answered where either answer conforms (not failures)."""
    if not points:
        return "<p>No open point was touched.</p>"
    rows = "".join(
        f'<tr class="open-point" data-open="{escape(p["id"])}"><td><code>{escape(p["id"])}</code></td>'
        f'<td>{escape(", ".join(f"{k} x{v}" for k, v in p["statuses"].items()))}</td><td>{escape(p["title"])}</td>'
        f'<td>{escape(p["basis"])}</td></tr>' for p in points)
    return ('<p>Either answer conforms here; only the universal rules judged these requests. Shown so that you '
            'see where the target differs from the emulator, never as failures.</p>' + _scrolling(
                '<table id="open-points"><thead><tr><th>open point</th><th>answers</th><th>input</th><th>rests on</th>'
                f"</tr></thead>{rows}</table>"))


def write_html(report: dict, history: list[dict], latencies_ms: list[float], directory: Path) -> Path:
    verdict_class = {0: "pass", 1: "fail", 3: "incomplete"}.get(report["exit_code"], "unusable")
    if report["exit_code"] == 0 and report.get("must_rules", {}).get("not_run"):
        verdict_class = "incomplete"  # --allow-partial: exit 0, and still not a pass
    area_rows = [(area, Counter({int(k): v for k, v in counts.items()}))
                 for area, counts in sorted(report["statuses_by_area"].items())]
    changes = report.get("changes", {})
    change_html = "".join(
        f"<li>{label}: {', '.join(f'<code>{escape(x)}</code>' for x in changes.get(key, [])) or 'none'}</li>"
        for key, label in (("newly_failing", "newly failing"), ("fixed", "fixed")))
    meta = [("target", report["target"]["base_url"]), ("started", report["started"]), ("finished", report["finished"]),
            ("requests", report["requests"]), ("seed", report["seed"]), ("examples per test", report["max_examples"]),
            ("suite version", report["suite_version"]), ("spec sha256", report["spec_sha256"][:16] + "...")]
    meta_table = _scrolling('<table class="meta">' + "".join(
        f"<tr><td>{k}</td><td>{escape(str(v))}</td></tr>" for k, v in meta) + "</table>")
    charts = (_bars("Status codes per rule area", area_rows) + _histogram("Response time", latencies_ms)
              + _trend("Pass rate per run", [h.get("pass_rate") for h in history], "")
              + _trend("Median latency per run", [h.get("p50_ms") for h in history], " ms")
              + _waveforms(report.get("waveforms", {})))
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Conformance report: {escape(report["verdict"])}</title><style>{_CSS}</style></head><body>
<div id="verdict" class="verdict {verdict_class}">{escape(report["verdict"])}</div><main>
<h2>Run</h2>{meta_table}
<h2>Since the last run</h2><ul id="changes">{change_html}</ul>
<h2>Coverage</h2>{_coverage(report)}
<h2>Coverage by dimension</h2>{_dimensions((report.get("coverage") or {}).get("dimensions", []))}
<h2>Requirements</h2>{_matrix(report["requirements"])}
<h2>Open points (information)</h2>{_open_points(report.get("open_points", []))}
<h2>Charts</h2><div class="charts">{charts}</div>
<h2>Failures</h2>{_failures(report["requirements"])}
</main></body></html>
"""
    path = directory / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
