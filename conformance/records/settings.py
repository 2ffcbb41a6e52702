"""A run's settings, frozen: what every stage reads, checked once at the door (`conformance.cli.options`).

Its fields are the run options' names (`cli.options.TARGET_OPTIONS`), except the few that a door
derives: `base_url` (also from `--space`), `account_sid` (default: the project id), `conference_sids`
(`--conference-sid`, repeatable), `target_name` (`--target`). A test holds the two together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RunSettings:
    base_url: str | None = None
    """None: start the embedded emulator."""
    project_id: str | None = None
    api_token: str | None = field(default=None, repr=False)
    account_sid: str | None = None
    conference_sids: tuple[str, ...] = ()
    target_name: str | None = None
    ca_file: str | None = None
    max_examples: int = 25
    seed: int | None = None
    """None until the run draws one; the run's record always holds the seed it used."""
    report_dir: str = "reports"
    max_requests: int | None = None
    rate: Any = None
    waivers: str | None = None
    cleanup: bool = False
    dry_run: bool = False
    media: bool = False
    quick: bool = False
    allow_partial: bool = False
    media_public_url: str | None = None
    callback_public_url: str | None = None
    media_port: int = 0
    callback_port: int = 0
    media_host: str | None = None
    media_cert: str | None = None
    media_key: str | None = None
    lifecycle: bool = False
    """Also stop streams (Update a Conference Stream); always on against the embedded emulator (`runs_lifecycle`)."""
    scopeless_token: str | None = field(default=None, repr=False)
    """A second API token without the Voice scope (token-scope); a secret."""

    @property
    def uses_emulator(self) -> bool:
        return self.base_url is None

    @property
    def runs_lifecycle(self) -> bool:
        """The life-cycle probe changes state: on by default against the embedded emulator, else only if asked."""
        return self.lifecycle or self.uses_emulator
