"""The document as Schemathesis should see it: the published one, with the contract's decisions.

The bundled YAML stays as published. This module derives, in memory, the stricter document the
suite's Schemathesis cases are generated from:
- the body is form-urlencoded (what the operation's header and every SDK send) and JSON;
- for positive generation only: `Url` matches a narrow absolute-wss pattern, `StatusCallback` an
  http(s) one, both on reserved names nobody owns (RFC 2606/6761), without query strings; no
  undocumented property is drawn, and no `ParameterN` property (the document lists Name and Value
  as independent properties, so a half pair, an open point, would be drawn; the strategies send
  complete pairs). Every positive case is then in must-accept space; the runner still classifies
  what Schemathesis draws for text (`strategies.open_point_of`), so that a case that lands in an
  open point is judged as one. Negative generation negates the published schema as it stands: a
  negated narrow pattern would still be a valid URL, and unknown fields are an open point;
- `Authorization` is not a header parameter to fuzz: it is the security scheme, filled in with
  the target's credentials (fuzzing it only produces 401s that say nothing about the body).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import schemathesis
from schemathesis.generation import GenerationMode

from . import document as contract

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# Schemathesis generates from these with Hypothesis' `from_regex`; kept narrow so that every
# match is a URL any conforming server accepts, on a host nobody owns (no IDN, no IP: the
# strategies cover the first, the second is an open point).
_RESERVED_HOST = r"[a-z][a-z0-9]{0,15}(\.[a-z][a-z0-9]{0,15}){0,2}\.(example|test|invalid|example\.(com|net|org))"
WSS_URL_PATTERN = rf"^wss://{_RESERVED_HOST}(:[1-9][0-9]{{0,3}})?(/[A-Za-z0-9_-]{{1,12}}){{0,3}}$"
CALLBACK_URL_PATTERN = rf"^https?://{_RESERVED_HOST}(/[A-Za-z0-9_-]{{1,12}}){{0,3}}$"


@cache
def strict_document(positive: bool = False) -> dict[str, Any]:
    doc = copy.deepcopy(contract.document())
    operation = doc["paths"][contract.OPERATION_PATH]["post"]
    operation["parameters"] = [p for p in operation["parameters"] if p["name"] != "Authorization"]
    operation["security"] = [{"SignalWireBasicAuth": []}]
    body_schema = operation["requestBody"]["content"][JSON]["schema"]
    operation["requestBody"] = {
        "required": True,
        "content": {FORM: {"schema": body_schema}, JSON: {"schema": body_schema}},
    }
    if positive:
        request = doc["components"]["schemas"]["CreateConferenceStreamRequest"]
        request["properties"]["Url"]["pattern"] = WSS_URL_PATTERN
        request["properties"]["StatusCallback"]["pattern"] = CALLBACK_URL_PATTERN
        request["additionalProperties"] = False
        for key in [k for k in request["properties"] if k.startswith("Parameter")]:
            del request["properties"][key]
    return doc


def load(base_url: str, *, positive: bool = False) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_dict(strict_document(positive))
    schema.config.update(base_url=base_url)
    return schema


def operation(schema: schemathesis.BaseSchema) -> schemathesis.APIOperation:
    return schema[contract.OPERATION_PATH]["POST"]


MODES = {"positive": GenerationMode.POSITIVE, "negative": GenerationMode.NEGATIVE}
