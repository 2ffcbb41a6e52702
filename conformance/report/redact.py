"""The one place secrets leave an exchange: `redact(ex, ...)` makes the text a report may hold.

The API token becomes `$SIGNALWIRE_API_TOKEN` (and the project id `$SIGNALWIRE_PROJECT_ID` in the
curl command, so that it runs as it is once those are exported); the exchange's bearer token becomes
a placeholder wherever it appears, even in what a server echoed. Everything a report writer sees
has passed through here once, when the failing exchange was recorded.
"""

from __future__ import annotations

import base64
import json
import shlex
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

from conformance.common.wire import form_value
from conformance.records.exchange import Exchange

BEARER_PLACEHOLDER = "REDACTED-BEARER-TOKEN"
RESPONSE_KEPT = 2000


@dataclass(frozen=True)
class Redacted:
    """An exchange as a report may show it, and the means to scrub any other text about it."""

    method: str
    url: str
    content_type: str | None
    authorization: str
    """'target' (the run's own credentials), 'none', or the header sent, scrubbed."""
    request_body: str
    response_body: str
    curl: str
    derived_credentials: dict | None
    """The authentication matrix's variant and noise, for `conformance replay` to derive again."""
    _secrets: tuple[str, ...]
    _bearer: str | None

    def text(self, text: str) -> str:
        return _scrub(text, self._secrets, self._bearer)


def redact(ex: Exchange, *, secrets: tuple[str, ...], basic_header: str) -> Redacted:
    token = (ex.sent_fields or {}).get("AuthorizationBearerToken")
    bearer = token if isinstance(token, str) and len(token) >= 4 else None
    header = ex.request_headers.get("Authorization")
    authorization = ("none" if header is None else "target" if header == basic_header
                     else _scrub(_derived(header, secrets), secrets))
    body = _body(ex, secrets)
    curl = _curl(ex.method, ex.url, authorization, ex.content_type, body)
    response = _scrub(ex.response_text[:RESPONSE_KEPT], secrets, bearer)
    derived = {"kind": ex.derived[0], "noise": ex.derived[1]} if ex.derived else None
    return Redacted(ex.method, ex.url, ex.content_type, authorization, body, response, curl, derived, secrets, bearer)


def _body(ex: Exchange, secrets: tuple[str, ...]) -> str:
    """The request body as sent, with the bearer token (and any credential) replaced."""
    fields = ex.sent_fields
    if isinstance(fields, dict) and "AuthorizationBearerToken" in fields:
        fields = {**fields, "AuthorizationBearerToken": BEARER_PLACEHOLDER}
        if ex.encoding == "json":
            text = json.dumps(fields, ensure_ascii=False)
        else:
            text = urlencode([(k, form_value(v)) for k, v in fields.items()], quote_via=quote_plus)
    else:
        text = ex.request_body.decode("utf-8", "replace")
    return _scrub(text, secrets)


DERIVED_WINDOW = 6


def _derived(header: str, secrets: tuple[str, ...]) -> str:
    """A Basic header whose password is the API token or a near miss of it (the authentication matrix)
    is shown decoded, the password replaced: its base64 would hide a near copy of the token from `_scrub`."""
    parts = header.split(None, 1)
    if len(parts) != 2 or parts[0].lower() != "basic" or not secrets or not secrets[0]:
        return header
    scheme, encoded = parts
    try:
        user, sep, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return header
    token = secrets[0]
    window = min(DERIVED_WINDOW, len(token))
    near = any(token[i:i + window].casefold() in password.casefold() for i in range(len(token) - window + 1))
    if not sep or not password or not near:
        return header
    shown = "$SIGNALWIRE_API_TOKEN" if password == token else "<derived from $SIGNALWIRE_API_TOKEN, redacted>"
    return f"{scheme} base64({user}:{shown})"


def _scrub(text: str, secrets: tuple[str, ...], bearer: str | None = None) -> str:
    if bearer:
        text = text.replace(bearer, BEARER_PLACEHOLDER)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "$SIGNALWIRE_API_TOKEN")
    return text


def _curl(method: str, url: str, authorization: str, content_type: str | None, body: str) -> str:
    parts = ["curl", "-sS", "-X", method, shlex.quote(url)]
    if authorization == "target":
        parts += ["-u", '"$SIGNALWIRE_PROJECT_ID:$SIGNALWIRE_API_TOKEN"']
    elif authorization != "none":
        parts += ["-H", shlex.quote(f"Authorization: {authorization}")]
    if content_type:
        parts += ["-H", shlex.quote(f"Content-Type: {content_type}")]
    if body:
        parts += ["--data-binary", shlex.quote(body)]
    return " ".join(parts)
