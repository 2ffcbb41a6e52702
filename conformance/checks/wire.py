"""The response as its standards define it, read from the raw bytes and header lines, not through a
forgiving library: `json.loads` on bytes guesses UTF-16 and UTF-32, accepts NaN and Infinity, and keeps
the last of two members with one name; `requests` joins repeated header lines into one."""

from __future__ import annotations

import functools
import json

from conformance.contract import document as contract
from conformance.records.exchange import Exchange
from conformance.records.outcome import PASS, Failed, Outcome

from .rest import CheckContext, check

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class _NotJSONText(ValueError):
    pass


def _no_constant(name: str):
    raise _NotJSONText(f"{name} is not a JSON value (RFC 8259 section 6)")


def _pairs(repeated: list[str]):
    def hook(pairs):
        names = [name for name, _ in pairs]
        repeated.extend(sorted({n for n in names if names.count(n) > 1}))
        return dict(pairs)

    return hook


@functools.lru_cache(maxsize=4)  # two checks read each answer: parsed once
def read_json_text(body: bytes) -> tuple[str | None, tuple[str, ...]]:
    """(what is wrong with `body` as an RFC 8259 JSON text, or None; member names repeated in an object)."""
    repeated: list[str] = []
    if body.startswith(_BOMS):
        return "a byte order mark before the JSON text", ()
    try:
        text = body.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        return f"bytes that are not UTF-8 at offset {exc.start}", ()
    try:
        json.loads(text, parse_constant=_no_constant, object_pairs_hook=_pairs(repeated))
    except _NotJSONText as exc:
        return str(exc), tuple(repeated)
    except ValueError as exc:
        return f"not a JSON text: {exc}", tuple(repeated)
    return None, tuple(repeated)


def _json_body(ex: Exchange) -> bool:
    return ex.status in contract.DOCUMENTED_STATUSES and ex.media_type == "application/json" and bool(ex.response_body)


@check("json-text")
def json_text(ex: Exchange, ctx: CheckContext) -> Outcome:
    if not _json_body(ex):
        return None
    problem, _ = read_json_text(ex.response_body)
    if problem is None:
        return PASS
    return Failed("a JSON text in UTF-8 (RFC 8259)", f"{ex.status} with {problem}: {ex.response_body[:80]!r}")


@check("json-names-unique")
def json_names_unique(ex: Exchange, ctx: CheckContext) -> Outcome:
    if not _json_body(ex):
        return None
    problem, repeated = read_json_text(ex.response_body)
    if problem is not None:
        return None  # json-text says what is wrong
    if not repeated:
        return PASS
    return Failed("each member name once per object", f"{ex.status} repeats {', '.join(dict.fromkeys(repeated))}")


@check("header-singletons")
def header_singletons(ex: Exchange, ctx: CheckContext) -> Outcome:
    repeated = [name for name in ("content-type", "content-length") if len(set(ex.header_lines.get(name, ()))) > 1]
    if not repeated:
        return PASS
    shown = "; ".join(f"{name}: {' | '.join(ex.header_lines[name])}" for name in repeated)
    return Failed("one Content-Type and one Content-Length at most", f"{ex.status} with {shown}")
