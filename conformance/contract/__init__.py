"""The contract: the published document as bundled, the rule registry with its positions, and the
stricter model Schemathesis generates from. Imports nothing of the suite above it."""
