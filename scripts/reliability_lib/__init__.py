"""Long reliability suites for `plan` (SPEC §5): crash, server-fault and race trials, fuzzing,
hostile input. Run through scripts/reliability, which writes docs/RELIABILITY.md."""
