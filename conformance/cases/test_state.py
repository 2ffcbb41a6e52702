"""What one request cannot show: Name uniqueness within a conference."""

from conformance import probes
from conformance.explore import verdict


def test_duplicate_name(conformance):
    verdict(probes.duplicate_name(conformance.runner))


def test_concurrent_duplicate_name(conformance):
    verdict(probes.concurrent_duplicate_name(conformance.runner))
