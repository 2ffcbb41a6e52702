"""The request value every strategy produces: body fields, encoding, and what rule it breaks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import quote_plus, urlencode

from conformance.common.wire import basic_header, form_value
from conformance.records.kinds import RequestKind

from ._credentials import Derived

Encoding = Literal["form", "json"]


class _NoAuth:
    """Marker: send no Authorization header at all."""

    _instance: _NoAuth | None = None

    def __new__(cls) -> _NoAuth:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_AUTH"


NO_AUTH = _NoAuth()


@dataclass(frozen=True)
class Basic:
    """Basic credentials to send instead of the target's; `user=None` means the target's project id."""

    password: str
    user: str | None = None

    def header(self, project_id: str) -> str:
        return basic_header(project_id if self.user is None else self.user, self.password)


Authorization = None | _NoAuth | Basic | Derived | str


@dataclass(frozen=True)
class StreamRequest:
    """One create request. No I/O: it only knows how it looks on the wire.

    `authorization`, `account_sid` and `conference_sid` are `None` for the target's own; a `str`
    authorization is the exact header value to send, a `Derived` one is built from the target's own.
    Its position: `rule_ids` (the rules it breaks: must reject), else `open_point` (either answer
    conforms), else must accept, judged by `accepted_by` (default: accept-valid-form/json).
    """

    fields: dict[str, Any] = field(hash=False)
    encoding: Encoding = "form"
    rule_ids: tuple[str, ...] = ()
    reason: str = "a valid request"
    authorization: Authorization = None
    account_sid: str | None = None
    conference_sid: str | None = None
    open_point: str | None = None
    accepted_by: str | None = None
    member: tuple[str, str] | None = None
    """(members class, kind) when the request is one kind of a class of the dimension model, sent as such."""
    content_type_override: str | None = None
    """The exact Content-Type to send instead of the encoding's (the dimension model's header classes)."""
    raw_body: bytes | None = field(default=None, hash=False)
    """The exact body bytes to send instead of rendering `fields` (bad syntax, duplicate keys, bad encodings);
    `fields` then only describes it."""
    path_case: str | None = None
    """'upper': the target's AccountSid or ConferenceSid written in upper case ('account' or 'conference')."""

    @property
    def exact_bytes(self) -> bool:
        """True when the body or its Content-Type must go on the wire exactly as given."""
        return self.raw_body is not None or self.content_type_override is not None

    @property
    def kind(self) -> RequestKind:
        """Its position, decided here once: a broken rule wins over an open point."""
        if self.rule_ids:
            return RequestKind.INVALID
        return RequestKind.OPEN if self.open_point is not None else RequestKind.VALID

    @property
    def is_valid(self) -> bool:
        return self.kind is RequestKind.VALID

    def to_form(self) -> bytes:
        """form-urlencoded, keys as SignalWire spells them (`Parameter7.Name`)."""
        return urlencode([(k, form_value(v)) for k, v in self.fields.items()], quote_via=quote_plus).encode("ascii")

    def to_json(self) -> dict[str, Any]:
        return dict(self.fields)

    def body_bytes(self) -> bytes:
        if self.raw_body is not None:
            return self.raw_body
        if self.encoding == "json":
            return json.dumps(self.to_json(), ensure_ascii=False).encode("utf-8")
        return self.to_form()

    @property
    def content_type(self) -> str:
        if self.content_type_override is not None:
            return self.content_type_override
        return "application/json" if self.encoding == "json" else "application/x-www-form-urlencoded"

    def with_fields(self, changes: dict[str, Any]) -> StreamRequest:
        """A copy with these fields set; a value of `None` removes the field."""
        fields = dict(self.fields)
        for key, value in changes.items():
            if value is None:
                fields.pop(key, None)
            else:
                fields[key] = value
        return replace(self, fields=fields)

    def with_name_prefix(self, prefix: str) -> StreamRequest:
        """A copy whose Name, if any, starts with `prefix`: how a runner keeps Names unique per run.

        Every Name the run sends starts with it (so that a person finds the run's streams), except an
        empty one, which stays empty (a boundary a test chose, naming no stream), and a Name of another
        JSON type, which must be rejected and stays as it is."""
        name = self.fields.get("Name")
        if not isinstance(name, str) or name == "":
            return self
        return replace(self, fields={**self.fields, "Name": f"{prefix}{name}"})
