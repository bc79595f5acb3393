"""Zuora's JSON ↔ zorders commands and results: the only place with Zuora's field names."""
