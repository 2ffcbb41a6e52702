"""What one request cannot show: Name uniqueness within a conference."""

import pytest

from conformance.run import probes


def _probe(conformance, probe):
    if conformance.runner.dry_run:
        pytest.skip("--dry-run sends nothing, and a probe is only its answers")
    conformance.verdict(conformance.guarded(probe, conformance.runner))


def test_duplicate_name(conformance):
    _probe(conformance, probes.duplicate_name)


def test_concurrent_duplicate_name(conformance):
    _probe(conformance, probes.concurrent_duplicate_name)
