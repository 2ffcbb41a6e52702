"""The README's ten-line vendor test, kept running against the emulator."""

import itertools

import requests
from hypothesis import given, settings

from conformance.contract import rules
from strategies import invalid_stream_requests

_n = itertools.count()


def test_readme_vendor_example(emulator):
    base, project, token = emulator.base_url, emulator.project_id, emulator.api_token
    conference = emulator.conference_sid

    @settings(max_examples=50, deadline=None, database=None)
    @given(invalid_stream_requests())
    def test_my_server_rejects_what_the_contract_forbids(request):
        request = request.with_name_prefix(f"readme-{next(_n)}-")
        url = f"{base}/Accounts/{project}/Conferences/{conference}/Streams"
        response = requests.post(url, data=request.body_bytes(), auth=(project, token),
                                 headers={"Content-Type": request.content_type}, timeout=10)
        assert response.status_code in rules.get(request.rule_ids[0]).rejects_with, request.reason

    test_my_server_rejects_what_the_contract_forbids()
