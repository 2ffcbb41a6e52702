"""Decoding request bodies (form-urlencoded or JSON) into a field mapping, strictly.

Strict because hostile bodies must end in a clear 400, never a 5xx: bad percent-encoding,
non-UTF-8 bytes, duplicate keys and absurd field counts are all refused here.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote_to_bytes

MAX_FIELDS = 1000
_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")

FieldValue = str | bool | int | float | None | list | dict


class BodyError(ValueError):
    """The body cannot be read as a set of fields; the message is safe to show the client."""


def media_type(content_type: str | None) -> str:
    if not content_type:
        return "application/x-www-form-urlencoded"  # curl -d and most SDKs omit nothing, but be lenient
    return content_type.split(";", 1)[0].strip().lower()


def decode(content_type: str | None, raw: bytes) -> dict[str, FieldValue]:
    kind = media_type(content_type)
    if kind == "application/x-www-form-urlencoded":
        return decode_form(raw)
    if kind == "application/json" or kind.endswith("+json"):
        return decode_json(raw)
    raise BodyError(f"unsupported Content-Type {kind!r}: send application/x-www-form-urlencoded or application/json")


def decode_form(raw: bytes) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {}
    if not raw:
        return fields
    if _BAD_PERCENT.search(raw):
        raise BodyError("the form body has a malformed percent-escape")
    pairs = raw.split(b"&")
    if len(pairs) > MAX_FIELDS:
        raise BodyError(f"the form body has more than {MAX_FIELDS} fields")
    for pair in pairs:
        if not pair:
            continue
        key_raw, _, value_raw = pair.partition(b"=")
        try:
            key = unquote_to_bytes(key_raw.replace(b"+", b" ")).decode("utf-8")
            value = unquote_to_bytes(value_raw.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            raise BodyError("the form body is not UTF-8") from None
        if key in fields:
            raise BodyError(f"the field {_shown(key)} is given more than once")
        fields[key] = value
    return fields


def decode_json(raw: bytes) -> dict[str, FieldValue]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BodyError("the JSON body is not UTF-8") from None
    except (ValueError, RecursionError):
        raise BodyError("the JSON body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BodyError("the JSON body must be an object")
    if len(data) > MAX_FIELDS:
        raise BodyError(f"the JSON body has more than {MAX_FIELDS} fields")
    return data


def _shown(key: str) -> str:
    return repr(key if len(key) <= 40 else key[:40] + "...")
