"""The run: the target, the governed session, the runner that sends cases and judges them, the
explorer that drives Hypothesis, and the probes. Reads checks, contract, records; records into report."""
