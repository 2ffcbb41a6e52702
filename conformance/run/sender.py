"""How requests leave the suite: a governed `requests.Session`, or, for --dry-run, one whose transport
prints each request instead of sending it.

Everything above this layer (the runner, the probes, the plan) sends the same way in a dry run;
only the transport differs. A dry answer is status 0 with no body, and the run's results, built to
discard (`Results(discard=True)`), judge none of them.
"""

from __future__ import annotations

import datetime
import os
import sys

import requests
from requests.adapters import BaseAdapter

from .governor import GovernedSession, Governor

DRY_STATUS = 0


class DryTransport(BaseAdapter):
    """Prints `METHOD URL [label] content-type N bytes: body` and answers status 0."""

    def __init__(self, out=None) -> None:
        super().__init__()
        self._out = out

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        body = request.body or b""
        body = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        label = request.headers.get(LABEL_HEADER, "")
        line = (f"{request.method} {request.url} [{label}] {request.headers.get('Content-Type') or ''} "
                f"{len(body.encode('utf-8'))} bytes: {body[:120]}")
        try:
            print(line, file=self._out or sys.stdout, flush=True)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        response = requests.Response()
        response.status_code = DRY_STATUS
        response.reason = "not sent (--dry-run)"
        response._content = b""
        response.request = request
        response.url = request.url
        response.elapsed = datetime.timedelta(0)
        return response

    def close(self) -> None:
        pass


LABEL_HEADER = "X-Conformance-Dry-Label"
"""Set on dry requests only (never sent anywhere): the label the printed line shows."""


class Sender:
    """Makes the run's sessions: every one governed, every one dry in a dry run."""

    def __init__(self, governor: Governor, *, dry: bool = False) -> None:
        self.governor = governor
        self.dry = dry

    def session(self) -> GovernedSession:
        session = GovernedSession(self.governor)
        if self.dry:
            transport = DryTransport()
            session.mount("http://", transport)
            session.mount("https://", transport)
        return session

    def label_headers(self, label: str) -> dict[str, str]:
        """Extra headers for a request labelled `label`: only a dry run's printer reads them."""
        return {LABEL_HEADER: label} if self.dry else {}
