"""`conformance replay REPORT RULE`: re-send one failing example from a results.json, as it was sent.

Credentials come from the flags or the environment, never from the report (which has none); a near
miss of them (the authentication matrix) is derived again from yours, as the run derived it. The
bearer token was replaced by a placeholder when the report was written, so that is what is re-sent.
"""

from __future__ import annotations

import json
from pathlib import Path

import requests

from conformance.contract.document import API_ROOT
from conformance.run.target import Target
from strategies import Derived

from .options import UsageError


def _example(report_path: str, rule_id: str, index: int) -> tuple[dict, dict]:
    try:
        report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"no report at {report_path!r}") from None
    except (ValueError, UnicodeDecodeError):
        raise UsageError(f"{report_path!r} is not a results.json report") from None
    requirement = next((r for r in report.get("requirements", []) if r.get("id") == rule_id), None)
    if requirement is None:
        raise UsageError(f"the report has no requirement {rule_id!r}")
    examples = requirement.get("examples", [])
    if not 0 <= index < len(examples):
        raise UsageError(f"{rule_id} has {len(examples)} failing example(s) in this report; no example {index}")
    return report, examples[index]


def _derived(recorded) -> Derived | None:
    if recorded is None:
        return None
    try:
        derived = Derived(recorded["kind"], recorded["noise"])
        derived.header("00000000-0000-4000-8000-000000000000", "PTcheck")  # a kind this version knows, a UUID noise
    except (KeyError, TypeError, ValueError, AttributeError):
        raise UsageError(f"the example's derived_credentials are not ones this version knows: {recorded!r}") from None
    return derived


def replay(report_path: str, rule_id: str, index: int, values: dict) -> int:
    report, example = _example(report_path, rule_id, index)
    recorded_base = report["target"]["base_url"]
    base_url = values.get("base_url") or (f"https://{values['space']}{API_ROOT}" if values.get("space")
                                          else recorded_base)
    url = base_url + example["url"][len(recorded_base):] if example["url"].startswith(recorded_base) else example["url"]
    headers = {"Accept": "application/json"}
    if example.get("content_type"):
        headers["Content-Type"] = example["content_type"]
    derived = _derived(example.get("derived_credentials"))
    if example["authorization"] == "target" or derived is not None:
        if not (values.get("project_id") and values.get("api_token")):
            raise UsageError("replaying this request needs --project-id and --api-token "
                             "(or SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN)")
        headers["Authorization"] = (derived.header(values["project_id"], values["api_token"]) if derived else
                                    Target(base_url, values["project_id"], values["api_token"], "", ("",)).basic_header)
    elif example["authorization"] != "none":
        headers["Authorization"] = example["authorization"]
    try:
        response = requests.request(example["method"], url, data=example["request_body"].encode("utf-8"),
                                    headers=headers, timeout=30, verify=values.get("ca_file") or True)
    except requests.RequestException as exc:
        raise UsageError(f"{base_url} did not answer: {type(exc).__name__}") from None
    print(f"{example['method']} {url}\n-> {response.status_code}\n{response.text}")
    if derived is not None:
        print(f"(credentials: {derived.description}, derived from yours)")
    print(f"(the report expected {example['expected']}; it got {example['status']})")
    return 0
