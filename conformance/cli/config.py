"""Config files: `conformance.toml`, or `[tool.conformance]` in `pyproject.toml`.

Keys are the flags' names (`max_examples` or `max-examples`); `[targets.NAME]` tables hold
per-target values chosen with `--target NAME`; `${VAR}` in a string is read from the environment
(that is how secrets stay out of the file). Unknown keys and bad values are errors naming the file.

    max_examples = 50
    rate = "5/s"

    [targets.staging]
    space = "acme-staging.signalwire.com"
    project_id = "${SIGNALWIRE_PROJECT_ID}"
    api_token = "${SIGNALWIRE_API_TOKEN}"
    conference_sid = ["6e8bc430-9c3a-41d9-9669-0800200c9a66"]
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .options import CONFIG_OPTIONS, TARGET_OPTIONS, RunSettings, UsageError, resolve, run_settings

_KEYS = {o.name for o in TARGET_OPTIONS}
_TARGET_ONLY_FORBIDDEN = {"report_dir"}  # each target's reports go to REPORT_DIR/NAME
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Config:
    source: str | None = None
    top: dict[str, Any] = field(default_factory=dict)
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path} is not valid TOML: {exc}") from None


def _check_keys(table: dict, where: str, allowed: set[str]) -> dict:
    out = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in allowed:
            raise UsageError(f"{where}: unknown key {key!r}; known keys: {', '.join(sorted(allowed))}")
        out[name] = value
    return out


def load(path: str | None, environ: Mapping[str, str]) -> Config:
    if path is None:
        if Path("conformance.toml").is_file():
            path = "conformance.toml"
        elif Path("pyproject.toml").is_file() and "conformance" in _read(Path("pyproject.toml")).get("tool", {}):
            path = "pyproject.toml"
        else:
            return Config()
    data = _read(Path(path))
    where = path
    if Path(path).name == "pyproject.toml":
        data, where = data.get("tool", {}).get("conformance", {}), f"{path} [tool.conformance]"
    targets_raw = data.pop("targets", {})
    if not isinstance(targets_raw, dict):
        raise UsageError(f"{where}: targets must be tables, [targets.NAME]")
    top = _check_keys(data, where, _KEYS)
    targets = {}
    for name, table in targets_raw.items():
        if not isinstance(table, dict):
            raise UsageError(f"{where}: targets.{name} must be a table")
        targets[name] = _check_keys(table, f"{where} [targets.{name}]", _KEYS - _TARGET_ONLY_FORBIDDEN)
    return Config(where, top, targets)


def _expand(value: Any, where: str, environ: Mapping[str, str]) -> Any:
    if isinstance(value, list):
        return [_expand(v, where, environ) for v in value]
    if not isinstance(value, str):
        return value

    def lookup(match: re.Match) -> str:
        name = match.group(1)
        if name not in environ:
            raise UsageError(f"{where} refers to ${{{name}}}, which is not set in the environment")
        return environ[name]

    return _ENV_REF.sub(lookup, value)


def configured_values(config: Config, target: str | None, environ: Mapping[str, str]) -> dict[str, tuple]:
    if target is not None and target not in config.targets:
        known = ", ".join(sorted(config.targets)) or "none"
        where = config.source or "no config file was found"
        raise UsageError(f"--target {target!r} is not defined ({where}; targets: {known})")
    values = {}
    for table, section in ((config.top, ""), (config.targets.get(target, {}), f" [targets.{target}]")):
        for key, value in table.items():
            where = f"{config.source}{section}: {key}"
            values[key] = (_expand(value, where, environ), where)
    return values


def settings_for(given: Mapping[str, Any], environ: Mapping[str, str] | None = None,
                 target: str | None = None) -> RunSettings:
    """The run's settings from flags (`given`), environment and config file, for one target."""
    environ = os.environ if environ is None else environ
    meta = resolve(CONFIG_OPTIONS, given, environ)
    config = load(meta["config"], environ)
    name = target if target is not None else meta["target"]
    values = resolve(TARGET_OPTIONS, given, environ, configured_values(config, name, environ))
    settings = run_settings(values, target_name=name)
    if settings.waivers:  # read now, so that a bad file is one line before anything starts
        from . import waivers

        waivers.load(settings.waivers)
    return settings


def target_names(given: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    meta = resolve(CONFIG_OPTIONS, given, environ)
    return sorted(load(meta["config"], environ).targets)


def targets_from(given: Mapping[str, Any], raw: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """The targets `--targets` names: `all`, or a comma list of the config file's [targets.NAME]."""
    known = target_names(given, environ)
    names = known if raw.strip() == "all" else [n.strip() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise UsageError(f"--targets: not in the config file: {', '.join(unknown) or raw} "
                         f"(defined: {', '.join(known) or 'none'})")
    return names
