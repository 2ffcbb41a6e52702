"""The checks: one small function per rule, REST (`rest`) and media (`media`). They read the contract
and the records, nothing else."""
