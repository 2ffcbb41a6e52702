"""The conformance cases, as pytest tests: `pytest --pyargs conformance.cases [--conformance-...]`."""
