"""Persistence adapters: SQL stores (SQLite, PostgreSQL) behind the service ports."""
