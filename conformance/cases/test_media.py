"""With --media: the streams themselves (WebSocket audio, status callbacks), not only the 200."""

import pytest

from conformance.run.media_probe import run_media


def test_media_streams(conformance):
    if conformance.receivers is None:
        pytest.skip("media streams are checked with --media")
    conformance.verdict(conformance.guarded(run_media, conformance.runner, conformance.receivers))
