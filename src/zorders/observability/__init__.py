"""Metrics, log formatting and per-request log context: standard library only, owned by the runtime."""
