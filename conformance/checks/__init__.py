"""The checks: one small function per rule, registered with `@check(rule_id)`: REST (`rest`, and `wire` for
what is read from the raw bytes), media (`media`) and state (`state`). They read the contract and the
records, nothing else."""

from . import rest, wire  # noqa: F401 - importing a family registers its checks
