"""The published contract, loaded once from the bundled OpenAPI document.

Everything the document states is read from it here (enum values, the custom-parameter limit,
the response schemas); nothing is retyped. What the document does not state lives in `rules`.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources
from typing import Any

from conformance.common.lazy_imports import defer_iri_grammar

defer_iri_grammar()  # before jsonschema is first imported: saves about 0.75 s of start-up

import jsonschema  # noqa: E402
import yaml  # noqa: E402
from referencing import Registry, Resource  # noqa: E402
from referencing.jsonschema import DRAFT202012  # noqa: E402

SPEC_FILE = "create-conference-stream.openapi.yaml"
OPERATION_PATH = "/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Streams"
DOCUMENTED_STATUSES = (200, 400, 401, 404, 422)
API_ROOT = "/api/laml/2010-04-01"
"""The path of the document's server (`servers: https://YOUR_SPACE.signalwire.com/api/laml/2010-04-01`);
a test holds the two together."""
UUID_PATTERN = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
"""A UUID in text, in either letter case: the document's `format: uuid` sids (AccountSid, ConferenceSid, sid)."""
PARAMETER_KEY = re.compile(r"^Parameter(\d+)\.(Name|Value)$")
"""A custom parameter's form key, as the document spells it (`Parameter1.Name` ... `Parameter99.Value`)."""
_DOC_URI = "urn:conformance:spec"


@cache
def spec_bytes() -> bytes:
    return resources.files("conformance.contract.spec").joinpath(SPEC_FILE).read_bytes()


@cache
def spec_sha256() -> str:
    return hashlib.sha256(spec_bytes()).hexdigest()


@cache
def document() -> dict[str, Any]:
    return yaml.safe_load(spec_bytes())


def operation() -> dict[str, Any]:
    return document()["paths"][OPERATION_PATH]["post"]


def component(name: str) -> dict[str, Any]:
    return document()["components"]["schemas"][name]


def request_schema() -> dict[str, Any]:
    return component("CreateConferenceStreamRequest")


def enum_values(field: str) -> tuple[str, ...]:
    """The enum of a request field, following its `$ref` in the document."""
    schema = request_schema()["properties"][field]
    if "$ref" in schema:
        schema = component(schema["$ref"].rsplit("/", 1)[-1])
    return tuple(schema["enum"])


def enum_default(field: str) -> str | None:
    schema = request_schema()["properties"][field]
    if "$ref" in schema:
        schema = component(schema["$ref"].rsplit("/", 1)[-1])
    return schema.get("default")


ENUM_FIELDS = ("Track", "StatusCallbackMethod", "StreamCodec")


@cache
def max_custom_parameters() -> int:
    """The limit the prose gives ("up to 99 custom parameters ... through `Parameter99.Name`")."""
    text = request_schema()["properties"]["Parameter1.Name"]["description"]
    match = re.search(r"up to (\d+) custom parameters", text)
    if match is None:  # pragma: no cover - the bundled document is fixed
        raise RuntimeError("the bundled document no longer states the custom-parameter limit")
    return int(match.group(1))


def required_request_fields() -> tuple[str, ...]:
    return tuple(request_schema().get("required", ()))


def stream_statuses() -> tuple[str, ...]:
    return tuple(component("ConferenceStreamStatus")["enum"])


@cache
def _registry() -> Registry:
    return Registry().with_resource(_DOC_URI, Resource(contents=document(), specification=DRAFT202012))


def _response_ref(status: int) -> str:
    content = operation()["responses"][str(status)]["content"]["application/json"]
    return content["schema"]["$ref"]


@cache
def response_validator(status: int) -> jsonschema.Draft202012Validator:
    """A validator for the documented body of `status`, with `uuid` and `uri` formats enforced."""
    if status not in DOCUMENTED_STATUSES:
        raise KeyError(f"status {status} is not documented for this operation")
    schema = {"$ref": _DOC_URI + _response_ref(status)}
    return jsonschema.Draft202012Validator(
        schema,
        registry=_registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def response_errors(status: int, body: Any) -> list[str]:
    """Every way `body` departs from the documented schema for `status`, as readable lines."""
    validator = response_validator(status)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
        for e in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
    ]


def server_url_template() -> str:
    return document()["servers"][0]["url"]


@cache
def component_validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator for one of the document's component schemas (e.g. CompatibilityErrorResponse)."""
    component(name)  # a KeyError for a name the document does not have
    return jsonschema.Draft202012Validator({"$ref": f"{_DOC_URI}#/components/schemas/{name}"}, registry=_registry(),
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def component_errors(name: str, body: Any) -> list[str]:
    """Every way `body` departs from the component schema `name`, as readable lines."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
            for e in component_validator(name).iter_errors(body)]

