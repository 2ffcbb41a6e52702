"""The authentication matrix: credentials derived from the target's real ones, one near miss each.

A strategy cannot know the real credentials (the target supplies them when the request is sent), so
a request carries a `Derived(kind)` and `Derived.header(project_id, api_token)` builds the header.
Each kind has a position in the registry: near misses must get 401 (`auth-near-miss`), the scheme in
another case must be accepted (`auth-scheme-case`), odd spacing is open (`auth-odd-spacing`).
"""

from __future__ import annotations

import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from conformance.common.wire import basic_header


def _basic(user: str, password: str, scheme: str = "Basic", space: str = " ") -> str:
    return basic_header(user, password, scheme=scheme, space=space)


def _one_off(token: str) -> str:
    """The token with its last character replaced by a neighbour of the same kind."""
    if not token:
        return "x"
    last = token[-1]
    for alphabet in (string.digits, string.ascii_lowercase, string.ascii_uppercase):
        if last in alphabet:
            return token[:-1] + alphabet[(alphabet.index(last) + 1) % len(alphabet)]
    return token[:-1] + ("x" if last != "x" else "y")


def _other_case(token: str) -> str:
    swapped = token.swapcase()
    return swapped if swapped != token else _one_off(token)  # a token with no letters has no other case


def _unknown_token(token: str, noise: str) -> str:
    body = (noise * (len(token) // max(1, len(noise)) + 1))[: max(8, len(token) - 2)]
    return "PT" + body


Make = Callable[[str, str, str], str]
"""(project_id, api_token, noise) -> the Authorization header."""


@dataclass(frozen=True)
class Variant:
    kind: str
    judged_by: str
    """The rule (auth-near-miss, auth-scheme-case) or open point (auth-odd-spacing) it belongs to."""
    description: str
    make: Make


VARIANTS: dict[str, Variant] = {v.kind: v for v in (
    Variant("token-empty", "auth-near-miss", "the project id with an empty API token",
            lambda user, token, noise: _basic(user, "")),
    Variant("token-truncated", "auth-near-miss", "the API token without its last character",
            lambda user, token, noise: _basic(user, token[:-1])),
    Variant("token-extended", "auth-near-miss", "the API token with one character added",
            lambda user, token, noise: _basic(user, token + "x")),
    Variant("token-case", "auth-near-miss", "the API token with its letters in the other case",
            lambda user, token, noise: _basic(user, _other_case(token))),
    Variant("token-one-off", "auth-near-miss", "the API token with its last character changed",
            lambda user, token, noise: _basic(user, _one_off(token))),
    Variant("user-other", "auth-near-miss", "the right API token under another (well-formed) project id",
            lambda user, token, noise: _basic(str(uuid.UUID(noise)), token)),
    Variant("unknown-both", "auth-near-miss", "a well-formed but unknown project id and API token",
            lambda user, token, noise: _basic(str(uuid.UUID(noise)), _unknown_token(token, noise.replace("-", "")))),
    Variant("scheme-bearer", "auth-near-miss", "the right project id and token, base64 as for Basic, under Bearer",
            lambda user, token, noise: _basic(user, token, scheme="Bearer")),
    Variant("scheme-lower", "auth-scheme-case", "the right credentials under the scheme written 'basic'",
            lambda user, token, noise: _basic(user, token, scheme="basic")),
    Variant("scheme-upper", "auth-scheme-case", "the right credentials under the scheme written 'BASIC'",
            lambda user, token, noise: _basic(user, token, scheme="BASIC")),
    Variant("space-double", "auth-odd-spacing", "the right credentials with two spaces after Basic",
            lambda user, token, noise: _basic(user, token, space="  ")),
    Variant("space-tab", "auth-odd-spacing", "the right credentials with a tab after Basic",
            lambda user, token, noise: _basic(user, token, space="\t")),
    # breadth by principle (issue 18): each part's truth, the parts permuted, emptied, padded; other spellings
    Variant("parts-swapped", "auth-near-miss", "the API token as the user and the project id as the password",
            lambda user, token, noise: _basic(token, user)),
    Variant("user-empty", "auth-near-miss", "the right API token under an empty user",
            lambda user, token, noise: _basic("", token)),
    Variant("both-empty", "auth-near-miss", "an empty user and an empty password (a lone colon)",
            lambda user, token, noise: _basic("", "")),
    Variant("token-as-both", "auth-near-miss", "the API token as both the user and the password",
            lambda user, token, noise: _basic(token, token)),
    Variant("user-as-both", "auth-near-miss", "the project id as both the user and the password",
            lambda user, token, noise: _basic(user, user)),
    Variant("token-extra-part", "auth-near-miss", "the right pair with ':x' after the token (a password 'token:x')",
            lambda user, token, noise: _basic(user, token + ":x")),
    Variant("user-padded", "auth-near-miss", "the project id with a space in front, the right token",
            lambda user, token, noise: _basic(" " + user, token)),
    Variant("token-padded", "auth-near-miss", "the right project id, the token with a space after it",
            lambda user, token, noise: _basic(user, token + " ")),
    Variant("user-case", "auth-user-case", "the project id in upper case, the right token",
            lambda user, token, noise: _basic(user.upper(), token)),
    Variant("b64-excess-padding", "auth-base64-variants", "the right credentials, base64 with '==' too many "
            "(unpadded or URL-safe spellings equal the plain one for some credentials; this never does)",
            lambda user, token, noise: _basic(user, token) + "=="),
)}


@dataclass(frozen=True)
class Derived:
    """Credentials derived from the target's own: `kind` names the variant, `noise` a drawn UUID."""

    kind: str
    noise: str = "00000000-0000-4000-8000-000000000000"

    def header(self, project_id: str, api_token: str) -> str:
        return VARIANTS[self.kind].make(project_id, api_token, self.noise)

    @property
    def description(self) -> str:
        return VARIANTS[self.kind].description

    def __repr__(self) -> str:  # never the derived secret itself
        return f"Derived({self.kind!r})"
