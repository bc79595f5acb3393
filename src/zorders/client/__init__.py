"""An HTTP client for zorders or any Zuora tenant, and the CLI commands built on it."""
