"""What the preflight's answer says about the target: whether a run can be made there at all."""

from __future__ import annotations

from conformance.records.exchange import Exchange

from .target import Target

NOT_IN_PROGRESS = 21220
"""error-codes.mdx: "A stream cannot be started for a call or conference in the current state" (no status given)."""


def not_in_progress(exchange: Exchange) -> bool:
    """SignalWire's 21220, in whichever status and body shape it comes: `code` in the error schema, or the
    code or its documented sentence in a 422's `errors` strings."""
    body = exchange.json
    if not isinstance(body, dict) or exchange.status < 400:
        return False
    if body.get("code") in (NOT_IN_PROGRESS, str(NOT_IN_PROGRESS)):
        return True
    errors = body.get("errors")
    texts = [str(e.get("code", "")) + " " + str(e.get("message", "")) if isinstance(e, dict) else str(e)
             for e in (errors if isinstance(errors, list) else [])]
    return any(str(NOT_IN_PROGRESS) in t or "in the current state" in t for t in texts)


def preflight_problem(exchange: Exchange, target: Target) -> str | None:
    """Why no run can be made against `target`, judging by the preflight's answer; None if it can."""
    if exchange.status == 401:
        return (f"the credentials were rejected (401) by {target.base_url}: check the project id "
                "and API token")
    if not_in_progress(exchange):
        return (f"conference {target.conference_sid} is not in progress (SignalWire error 21220, "
                f"HTTP {exchange.status}): keep a call in it for the whole run (README, nightly recipe), or "
                "pass a live conference with --conference-sid")
    if exchange.status == 404:
        return (f"conference {target.conference_sid} was not found (404) at "
                f"{target.base_url}: check --conference-sid and --account-sid")
    return None
