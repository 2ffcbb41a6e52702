"""The server under test, and how a labelled request is addressed and authorised for it."""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.common.wire import basic_header
from strategies import NO_AUTH, Basic, Derived, StreamRequest


@dataclass(frozen=True)
class Target:
    base_url: str
    project_id: str
    api_token: str = field(repr=False)
    account_sid: str
    conference_sids: tuple[str, ...]
    verify: str | bool = True
    is_emulator: bool = False
    scopeless_token: str | None = field(default=None, repr=False)
    """A second API token of the project, without the Voice scope (token-scope); a secret like the first."""

    @property
    def conference_sid(self) -> str:
        """The conference the plan uses; the others serve the probes that need another (name-per-conference)."""
        return self.conference_sids[0]

    @property
    def basic_header(self) -> str:
        return basic_header(self.project_id, self.api_token)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Strings that must never appear in a response, a log or a report."""
        scopeless = ((self.scopeless_token, basic_header(self.project_id, self.scopeless_token).removeprefix("Basic "))
                     if self.scopeless_token else ())
        return (self.api_token, self.basic_header.removeprefix("Basic "), *scopeless)

    def authorization_for(self, request: StreamRequest) -> str | None:
        auth = request.authorization
        if auth is None:
            return self.basic_header
        if auth is NO_AUTH:
            return None
        if isinstance(auth, Basic):
            return auth.header(self.project_id)
        if isinstance(auth, Derived):  # the authentication matrix: a near miss of our own credentials
            return auth.header(self.project_id, self.api_token)
        return auth

    def path_parameters_for(self, request: StreamRequest) -> dict[str, str]:
        params = {
            "AccountSid": request.account_sid or self.account_sid,
            "ConferenceSid": request.conference_sid or self.conference_sid,
        }
        if request.path_case:  # 'account' or 'conference': that sid in upper case (open point path-sid-case)
            key = "AccountSid" if request.path_case == "account" else "ConferenceSid"
            params[key] = params[key].upper()
        return params

    def streams_url(self, account_sid: str | None = None, conference_sid: str | None = None) -> str:
        return (f"{self.base_url}/Accounts/{account_sid or self.account_sid}"
                f"/Conferences/{conference_sid or self.conference_sid}/Streams")

    def url_for(self, request: StreamRequest) -> str:
        params = self.path_parameters_for(request)
        return self.streams_url(params["AccountSid"], params["ConferenceSid"])

    def headers_for(self, request: StreamRequest) -> dict[str, str]:
        headers = {"Content-Type": request.content_type, "Accept": "application/json"}
        authorization = self.authorization_for(request)
        if authorization is not None:
            headers["Authorization"] = authorization
        return headers


def emulator_target(running) -> Target:
    """A Target for a `RunningEmulator`."""
    return Target(running.base_url, running.project_id, running.api_token, running.account_sid,
                  running.conference_sids, running.verify, is_emulator=True,
                  scopeless_token=getattr(running, "scopeless_token", None))
