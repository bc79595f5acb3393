"""HTTP transport: Zuora's routes, envelopes, headers and error codes (FastAPI/Starlette)."""
