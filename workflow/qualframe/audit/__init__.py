"""The audit trail of a run: its manifest and RO-Crate, verification and tracing."""
