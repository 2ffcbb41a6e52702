"""What an emulator instance is configured with: its credentials and its conferences."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field

API_ROOT = "/api/laml/2010-04-01"


def _token() -> str:
    return "PT" + secrets.token_hex(24)


@dataclass(frozen=True)
class EmulatorSettings:
    project_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    api_token: str = field(default_factory=_token)
    conference_sids: tuple[str, ...] = field(default_factory=lambda: (str(uuid.uuid4()),))

    def __post_init__(self) -> None:
        if not self.api_token:
            raise ValueError("the API token must not be empty")
        if ":" in self.project_id:
            raise ValueError("the project id must not contain ':' (it is the Basic-auth user name)")
        for sid in self.conference_sids:
            try:
                uuid.UUID(sid)
            except ValueError:
                raise ValueError(f"conference sid {sid!r} is not a UUID") from None
        if not self.conference_sids:
            raise ValueError("at least one conference sid is needed")
