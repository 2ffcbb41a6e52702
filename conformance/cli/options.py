"""The run options, declared once for the CLI flags, the pytest plugin and the environment.

Each option's value comes from its flag, else its environment variable, else its default; every
value is checked here, so that bad input anywhere ends in one clear line (`UsageError`).
"""

from __future__ import annotations

import dataclasses
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rfc3986 import exceptions as uri_errors
from rfc3986 import uri_reference, validators

from conformance.common.loopback import is_loopback
from conformance.contract.document import API_ROOT
from conformance.records.settings import RunSettings


class UsageError(ValueError):
    """Bad input from a flag, a config file or the environment; the message is one line."""


def _whole_number(text: str, name: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise UsageError(f"{name} must be a whole number, got {text!r}") from None


def _positive_int(text: str, name: str) -> int:
    value = _whole_number(text, name)
    if value < 1:
        raise UsageError(f"{name} must be at least 1, got {value}")
    return value


def _seed(text: str, name: str) -> int:
    value = _whole_number(text, name)
    if value < 0:
        raise UsageError(f"{name} must not be negative, got {value}")
    return value


def _base_url(text: str, name: str) -> str:
    text = text.strip()
    try:
        uri = uri_reference(text)
        validators.Validator().allow_schemes("http", "https").require_presence_of("scheme", "host").check_validity_of(
            "host", "port"
        ).validate(uri)
    except (uri_errors.RFC3986Exception, ValueError):
        raise UsageError(f"{name} must be an http(s) URL with a host, like https://NAME.signalwire.com{API_ROOT}; "
                         f"got {text!r}") from None
    return text.rstrip("/")


_SPACE = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")


def _space(text: str, name: str) -> str:
    text = text.strip()
    host = text if "." in text else f"{text}.signalwire.com"
    if not _SPACE.match(host):
        raise UsageError(f"{name} must be a host name like NAME.signalwire.com, got {text!r}")
    return host


def _uuid(text: str, name: str) -> str:
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise UsageError(f"{name} must be a UUID, got {text!r}") from None


def _text(text: str, name: str) -> str:
    if not text.strip():
        raise UsageError(f"{name} must not be empty")
    return text


def _existing_file(text: str, name: str) -> str:
    if not os.path.isfile(text):
        raise UsageError(f"{name}: no file at {text!r}")
    return text


_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def _host(text: str, name: str) -> str:
    """A host name or an IP address (IPv6 with or without brackets); no scheme, port or path."""
    import ipaddress

    host = text.strip()
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        address = None
    if address is not None and address.is_unspecified:
        raise UsageError(f"{name} must be an address the target can dial, not {text!r} (every interface)")
    if address is not None:
        return str(address)
    labels = host.rstrip(".").split(".")
    if not host or len(host) > 253 or not all(_HOST_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise UsageError(f"{name} must be a host name or an IP address of this machine (no scheme, port or path), "
                         f"got {text!r}")
    return host.rstrip(".").lower()


def _pem_file(text: str, name: str) -> str:
    try:
        with open(text, "rb") as handle:
            head = handle.read(1 << 20)
    except FileNotFoundError:
        raise UsageError(f"{name}: no file at {text!r}") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read {text!r}: {exc.strerror or exc}") from None
    if b"-----BEGIN " not in head:
        raise UsageError(f"{name}: {text!r} is not a PEM file (no -----BEGIN line)")
    return text


def _public_url(schemes: tuple[str, ...]) -> Callable[[str, str], str]:
    def parse(text: str, name: str) -> str:
        text = text.strip()
        try:
            uri = uri_reference(text)
            validators.Validator().allow_schemes(*schemes).require_presence_of("scheme", "host").check_validity_of(
                "host", "port").validate(uri)
        except (uri_errors.RFC3986Exception, ValueError):
            raise UsageError(f"{name} must be a {' or '.join(s + '://' for s in schemes)} URL with a host, "
                             f"got {text!r}") from None
        if uri.query or uri.fragment:
            raise UsageError(f"{name} must not have a query or a fragment (the suite appends a path), got {text!r}")
        return text.rstrip("/")

    return parse


def _parsed(text: str, name: str, parse: Callable[[str], Any]) -> Any:
    """`parse(text)`, its ValueError as one line naming the flag or variable."""
    try:
        return parse(text)
    except ValueError as exc:
        raise UsageError(f"{name}: {exc}") from None


def _rate(text: str, name: str):
    from conformance.run.governor import Rate

    return _parsed(text, name, Rate.parse)


def _boolean(text: str, name: str) -> bool:
    words = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}
    value = words.get(str(text).strip().lower())
    if value is None:
        raise UsageError(f"{name} must be true or false, got {text!r}")
    return value


def _port(text: str, name: str) -> int:
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise UsageError(f"{name} must be a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise UsageError(f"{name} must be between 0 and 65535, got {value}")
    return value


@dataclass(frozen=True)
class Option:
    name: str
    help: str
    env: str | None = None
    parse: Callable[[str, str], Any] = _text
    many: bool = False
    default: Any = None
    secret: bool = False
    metavar: str | None = None
    switch: bool = False
    """A flag without a value (`--cleanup`); its variable and config key take true/false."""

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


def add_options(add: Callable[..., Any], options: tuple[Option, ...], *, flag_prefix: str = "--",
                dest_prefix: str = "") -> None:
    """Declare `options` with `add`: argparse's `add_argument` (`conformance run`) or pytest's `addoption`
    (`--conformance-*`), the same way, from the one table."""
    for option in options:
        env = f" [env: {option.env}]" if option.env else ""
        default = f" [default: {option.default}]" if option.default not in (None, [], False) else ""
        flag, dest = flag_prefix + option.name.replace("_", "-"), dest_prefix + option.name
        if option.switch:
            add(flag, dest=dest, action="store_true", default=False, help=option.help + env)
        else:
            add(flag, dest=dest, default=None, action="append" if option.many else "store", metavar=option.metavar,
                help=option.help + env + default)


TARGET_OPTIONS: tuple[Option, ...] = (
    Option("base_url", f"API root of the target, e.g. https://NAME.signalwire.com{API_ROOT} "
           "(default: start the embedded emulator)", "CONFORMANCE_BASE_URL", _base_url, metavar="URL"),
    Option("space", "short form of --base-url: NAME.signalwire.com", "SIGNALWIRE_SPACE", _space, metavar="HOST"),
    Option("project_id", "project id (the Basic-auth user name)", "SIGNALWIRE_PROJECT_ID", metavar="ID"),
    Option("api_token", "API token (the Basic-auth password); prefer the environment variable",
           "SIGNALWIRE_API_TOKEN", secret=True, metavar="TOKEN"),
    Option("account_sid", "AccountSid in the path (default: the project id)", "CONFORMANCE_ACCOUNT_SID", _uuid,
           metavar="SID"),
    Option("conference_sid", "an existing conference to create streams in (repeatable): the run uses the first; "
           "a second lets name-per-conference run (a Name live in one conference is accepted in another)",
           "CONFORMANCE_CONFERENCE_SID", _uuid, many=True, metavar="SID"),
    Option("ca_file", "PEM bundle to trust for an https target", "CONFORMANCE_CA_FILE", _existing_file,
           metavar="PATH"),
    Option("max_examples", "examples per generated test (the budget)", "CONFORMANCE_MAX_EXAMPLES", _positive_int,
           default=25, metavar="N"),
    Option("seed", "Hypothesis seed, for a reproducible run", "CONFORMANCE_SEED", _seed, metavar="N"),
    Option("report_dir", "where reports are written", "CONFORMANCE_REPORT_DIR", default="reports", metavar="DIR"),
    Option("max_requests", "never send more than N requests in all, preflight and clean-up included",
           "CONFORMANCE_MAX_REQUESTS", _positive_int, metavar="N"),
    Option("rate", "at most this many requests per second or minute, with no burst: 5/s, 300/min",
           "CONFORMANCE_RATE", _rate, metavar="N/s"),
    Option("waivers", "TOML file of accepted deviations ([[waiver]] rule, reason, expires)",
           "CONFORMANCE_WAIVERS", _existing_file, metavar="PATH"),
    Option("allow_insecure_http", "allow credentials over plain http:// to a non-loopback host",
           "CONFORMANCE_ALLOW_INSECURE_HTTP", _boolean, switch=True, default=False),
    Option("cleanup", "stop every stream the run created, at the end", "CONFORMANCE_CLEANUP", _boolean,
           switch=True, default=False),
    Option("dry_run", "print what would be sent, and send nothing", "CONFORMANCE_DRY_RUN", _boolean, switch=True,
           default=False),
    Option("quick", "the coverage set only: every rule and class offered once (about 120 requests), a complete "
           "verdict in seconds", "CONFORMANCE_QUICK", _boolean, switch=True, default=False),
    Option("allow_partial", "a run that leaves MUST rules NOT RUN (a small --max-requests) may exit 0; it still "
           "never reads CONFORMANT", "CONFORMANCE_ALLOW_PARTIAL", _boolean, switch=True, default=False),
    Option("media", "also check the streams themselves: WebSocket audio and status callbacks",
           "CONFORMANCE_MEDIA", _boolean, switch=True, default=False),
    Option("media_host", "with --media: the address of this machine the target reaches the receivers by; they "
           "listen there and serve wss themselves (default for a loopback target: 127.0.0.1)",
           "CONFORMANCE_MEDIA_HOST", _host, metavar="HOST"),
    Option("media_cert", "with --media: serve wss with this certificate (PEM, chain included) instead of one "
           "from the suite's CA", "CONFORMANCE_MEDIA_CERT", _pem_file, metavar="PATH"),
    Option("media_key", "the private key (PEM) of --media-cert", "CONFORMANCE_MEDIA_KEY", _pem_file,
           metavar="PATH"),
    Option("media_public_url", "public wss:// URL that reaches the suite's WebSocket receiver through your "
           "TLS terminator (real deployments)", "CONFORMANCE_MEDIA_PUBLIC_URL", _public_url(("wss",)),
           metavar="URL"),
    Option("callback_public_url", "public http(s):// URL that reaches the suite's callback receiver",
           "CONFORMANCE_CALLBACK_PUBLIC_URL", _public_url(("https", "http")), metavar="URL"),
    Option("media_port", "local port of the WebSocket receiver (0: a free one)", "CONFORMANCE_MEDIA_PORT", _port,
           default=0, metavar="PORT"),
    Option("callback_port", "local port of the callback receiver (0: a free one)", "CONFORMANCE_CALLBACK_PORT",
           _port, default=0, metavar="PORT"),
    Option("lifecycle", "also stop streams (Update a Conference Stream: by sid, by Name, unknown sid, wrong "
           "Status); this changes state, so it is on against the embedded emulator and off against a target "
           "unless asked", "CONFORMANCE_LIFECYCLE", _boolean, switch=True, default=False),
    Option("scopeless_token", "a second API token of the project WITHOUT the Voice scope: a create with it must "
           "be refused (token-scope; without it the rule is N/A); prefer the environment variable",
           "SIGNALWIRE_SCOPELESS_TOKEN", secret=True, metavar="TOKEN"),
)
CONFIG_OPTIONS: tuple[Option, ...] = (
    Option("config", "config file (default: ./conformance.toml, else [tool.conformance] in ./pyproject.toml)",
           "CONFORMANCE_CONFIG", _existing_file, metavar="PATH"),
    Option("target", "a named target from the config file's [targets.NAME] tables", "CONFORMANCE_TARGET",
           metavar="NAME"),
)


def _split_many(text: str) -> list[str]:
    return [part for part in re.split(r"[,\s]+", text) if part]


def resolve(options: tuple[Option, ...], given: Mapping[str, Any], environ: Mapping[str, str] | None = None,
            configured: Mapping[str, tuple[Any, str]] | None = None) -> dict:
    """Flag values (`given`, None when absent) over the environment, over the config file's values
    (`configured`: name -> (value, where it was read)), over the defaults; all checked."""
    environ = os.environ if environ is None else environ
    configured = configured or {}
    values: dict[str, Any] = {}
    for option in options:
        raw = given.get(option.name)
        source = option.flag
        if option.switch and raw is False:
            raw = None
        if raw in (None, []) and option.env and environ.get(option.env, "").strip():
            raw = _split_many(environ[option.env]) if option.many else environ[option.env]
            source = option.env
        if raw in (None, []) and option.name in configured:
            raw, source = configured[option.name]
            if option.many and isinstance(raw, str):
                raw = _split_many(raw)
        if raw in (None, []):
            values[option.name] = [] if option.many else option.default
        elif option.many:
            items = raw if isinstance(raw, list | tuple) else [raw]
            values[option.name] = [option.parse(str(item), source) for item in items]
        elif raw is True or raw is False:
            if not option.switch:
                raise UsageError(f"{source} must be a value, not {str(raw).lower()}")
            values[option.name] = raw
        else:
            values[option.name] = option.parse(str(raw), source)
    return values


def _refuse_insecure(base_url: str, allowed: bool) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if parts.scheme == "http" and not allowed and not is_loopback(host):
        raise UsageError(f"refusing to send credentials over plain http:// to {host}; use https, or pass "
                         "--allow-insecure-http (CONFORMANCE_ALLOW_INSECURE_HTTP=true) if you mean it")


def run_settings(values: Mapping[str, Any], target_name: str | None = None) -> RunSettings:
    base_url = values.get("base_url")
    if values.get("space"):
        if base_url:
            raise UsageError("give either --base-url or --space, not both")
        base_url = f"https://{values['space']}{API_ROOT}"
    project_id, token = values.get("project_id"), values.get("api_token")
    conferences = tuple(values.get("conference_sid") or ())
    if base_url:
        missing = [
            hint for hint, ok in (
                ("--project-id (or SIGNALWIRE_PROJECT_ID)", project_id),
                ("--api-token (or SIGNALWIRE_API_TOKEN)", token),
                ("--conference-sid (or CONFORMANCE_CONFERENCE_SID)", conferences),
            ) if not ok
        ]
        if missing:
            raise UsageError(f"testing {base_url} needs {', '.join(missing)}")
        _refuse_insecure(base_url, bool(values.get("allow_insecure_http")))
        if values.get("media"):
            _check_media_reach(base_url, values)
    _check_media_cert(values)
    derived = {"base_url": base_url, "account_sid": values.get("account_sid") or project_id,
               "conference_sids": conferences, "target_name": target_name}
    names = {f.name for f in dataclasses.fields(RunSettings)}
    given = {k: v for k, v in values.items() if k in names and v is not None and k not in derived}
    return RunSettings(**given, **derived)


def _throttle(text: str, name: str):
    from conformance.emulator.settings import Throttle

    return _parsed(text, name, Throttle.parse)


def _unavailable(text: str, name: str):
    from conformance.emulator.settings import Unavailable

    return _parsed(text, name, Unavailable.parse)


def _unsupported_codecs(text: str, name: str) -> str:
    word = text.strip().lower()
    if word not in ("stream", "error"):
        raise UsageError(f"{name} is stream or error, got {text!r}")
    return word


def _check_media_reach(base_url: str, values: Mapping[str, Any]) -> None:
    """A loopback target, or one the user says reaches this machine (--media-host), is served by the
    receivers directly; any other target needs both public URLs (a tunnel in front of them)."""
    from urllib.parse import urlsplit

    host = urlsplit(base_url).hostname or ""
    if is_loopback(host) or values.get("media_host"):
        return
    if not (values.get("media_public_url") and values.get("callback_public_url")):
        raise UsageError(f"--media against {host} needs --media-host (an address of this machine that {host} "
                         "can reach), or --media-public-url and --callback-public-url (a tunnel to this machine's "
                         "receivers)")


def _check_media_cert(values: Mapping[str, Any]) -> None:
    cert, key = values.get("media_cert"), values.get("media_key")
    if not cert and not key:
        return
    if not (cert and key):
        raise UsageError("--media-cert and --media-key go together (a certificate and its private key)")
    if values.get("media_public_url"):
        raise UsageError("--media-cert serves wss on this machine; with --media-public-url your TLS terminator "
                         "holds the certificate: give one or the other")
    import ssl

    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except ssl.SSLError as exc:
        raise UsageError(f"--media-cert/--media-key: not a PEM certificate with its private key "
                         f"({exc.reason or exc})") from None
    except OSError as exc:
        raise UsageError(f"--media-cert/--media-key: cannot be read: {exc.strerror or exc}") from None


EMULATE_OPTIONS: tuple[Option, ...] = (
    Option("host", "address to listen on", None, _text, default="127.0.0.1", metavar="HOST"),
    Option("port", "port to listen on (0: a free one)", None, _port, default=8080, metavar="PORT"),
    Option("project_id", "project id to accept (default: generated)", "SIGNALWIRE_PROJECT_ID", metavar="ID"),
    Option("api_token", "API token to accept (default: generated)", "SIGNALWIRE_API_TOKEN", secret=True,
           metavar="TOKEN"),
    Option("conference_sid", "a conference that exists (repeatable; default: two generated)",
           "CONFORMANCE_CONFERENCE_SID", _uuid, many=True, metavar="SID"),
    Option("conference_not_in_progress", "a conference that exists but is not in progress: creates there get "
           "SignalWire's 21220 (repeatable)", None, _uuid, many=True, metavar="SID"),
    Option("throttle", "answer 429 with Retry-After (code 20429) beyond this rate: 20/s, 600/min, 0/s (all)", None,
           _throttle, metavar="N/s"),
    Option("unavailable", "answer 503 with Retry-After: 0 to one create in N (every:20), or to every create "
           "(always)", None, _unavailable, metavar="every:N|always"),
    Option("unsupported_codecs", "with --media, a StreamCodec the stream page does not list (PCMA, plain L16): "
           "stream it (default), or report stream-error codec_error and not connect", None, _unsupported_codecs,
           default="stream", metavar="stream|error"),
)



def variables_table() -> str:
    """README's table of the environment variables, made from the option table (a test holds them equal)."""
    rows = ["| variable | flag | what it sets |", "| --- | --- | --- |"]
    for option in TARGET_OPTIONS + CONFIG_OPTIONS:
        if option.env:
            rows.append(f"| `{option.env}` | `{option.flag}` | {option.help.replace('|', '/')} |")
    return "\n".join(rows)


if __name__ == "__main__":  # pragma: no cover - `python -m conformance.cli.options` prints README's table
    print(variables_table())
