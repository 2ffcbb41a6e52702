"""`junit.xml`: one test case per requirement, named by its rule id, for CI viewers."""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from pathlib import Path


def _case(suite: ET.Element, requirement: dict) -> ET.Element:
    case = ET.SubElement(suite, "testcase", classname=f"conformance.{requirement['area'].replace(' ', '_')}",
                         name=f"{requirement['id']} [{requirement['level']}]", time="0")
    example = requirement["examples"][0] if requirement["examples"] else None
    detail = ""
    if example:
        detail = (f"expected: {example['expected']}\ngot: {example['got']}\nrequest: {example['reason']}\n"
                  f"curl: {example['curl']}\nreplay: {example['replay']}\n")
    if requirement["status"] == "FAIL":
        failure = ET.SubElement(case, "failure", type="MUST",
                                message=f"{requirement['id']}: {requirement['failed']} failed, "
                                        f"{requirement['passed']} ok: {requirement['title']}")
        failure.text = detail
    elif requirement["status"] == "SKIP":
        ET.SubElement(case, "skipped", message="not expected in this run (media rules need --media)")
    elif requirement["status"] in ("NOT RUN", "PARTIAL"):
        ET.SubElement(case, "skipped", message=f"{requirement['status']}: not exercised in full (the budget or an "
                                               "interruption cut the coverage set short)")
    elif requirement["status"] == "WAIVED":
        waiver = requirement["waiver"]
        ET.SubElement(case, "system-out").text = (f"WAIVED until {waiver['expires']}: {waiver['reason']}\n"
                                                  f"{detail}")
    elif requirement["status"] == "WARN":
        ET.SubElement(case, "system-out").text = f"WARN (SHOULD): {requirement['title']}\n{detail}"
    return case


def write_junit(report: dict, directory: Path) -> Path:
    requirements = report["requirements"]
    failures = sum(r["status"] == "FAIL" for r in requirements)
    skipped = sum(r["status"] in ("SKIP", "NOT RUN", "PARTIAL") for r in requirements)
    errors = 1 if report["problems"] else 0
    root = ET.Element("testsuites", name="conformance", tests=str(len(requirements) + errors),
                      failures=str(failures), errors=str(errors))
    suite = ET.SubElement(
        root, "testsuite", name="conformance", tests=str(len(requirements) + errors), failures=str(failures),
        errors=str(errors), skipped=str(skipped), time=f"{report['duration_s']:.3f}",
        timestamp=report["started"][:19], hostname=socket.gethostname(),
    )
    properties = ET.SubElement(suite, "properties")
    for name in ("target", "seed", "max_examples", "spec_sha256", "suite_version", "verdict"):
        value = report[name]["base_url"] if name == "target" else report[name]
        ET.SubElement(properties, "property", name=name, value=str(value))
    if report["problems"]:
        case = ET.SubElement(suite, "testcase", classname="conformance.run", name="run", time="0")
        ET.SubElement(case, "error", type="unusable", message=report["problems"][0]).text = "\n".join(
            report["problems"])
    for requirement in requirements:
        _case(suite, requirement)
    path = directory / "junit.xml"
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
