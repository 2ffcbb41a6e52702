"""Reports: recording results (secrets scrubbed once, there), then the writers (results.json, junit.xml,
report.html), history, the console summary. Reads recorded results only."""
