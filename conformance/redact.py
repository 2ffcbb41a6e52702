"""Turning an exchange into text that is safe to print: curl commands and request bodies.

The API token becomes `$SIGNALWIRE_API_TOKEN` (and the project id `$SIGNALWIRE_PROJECT_ID`, so
that the command runs as it is once those are exported); a bearer token becomes a placeholder.
"""

from __future__ import annotations

import json
import shlex
from urllib.parse import quote_plus, urlencode

from strategies._request import form_value

from .exchange import Exchange

BEARER_PLACEHOLDER = "REDACTED-BEARER-TOKEN"


def safe_body(ex: Exchange, secrets: tuple[str, ...] = ()) -> str:
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
    return scrub(text, secrets)


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "$SIGNALWIRE_API_TOKEN")
    return text


def bearer_token(ex: Exchange) -> str | None:
    token = (ex.sent_fields or {}).get("AuthorizationBearerToken")
    return token if isinstance(token, str) and token else None


def scrub_exchange_text(text: str, ex: Exchange, secrets: tuple[str, ...]) -> str:
    """`scrub`, and the exchange's own bearer token replaced by the placeholder, wherever it is echoed."""
    token = bearer_token(ex)
    if token and len(token) >= 4:
        text = text.replace(token, BEARER_PLACEHOLDER)
    return scrub(text, secrets)


def curl_command(ex: Exchange, *, basic_header: str, secrets: tuple[str, ...] = ()) -> str:
    parts = ["curl", "-sS", "-X", ex.method, shlex.quote(ex.url)]
    auth = ex.request_headers.get("Authorization")
    if auth is not None and auth == basic_header:
        parts += ["-u", '"$SIGNALWIRE_PROJECT_ID:$SIGNALWIRE_API_TOKEN"']
    elif auth is not None:
        parts += ["-H", shlex.quote(f"Authorization: {scrub(auth, secrets)}")]
    if ex.content_type:
        parts += ["-H", shlex.quote(f"Content-Type: {ex.content_type}")]
    body = safe_body(ex, secrets)
    if body:
        parts += ["--data-binary", shlex.quote(body)]
    return " ".join(parts)
