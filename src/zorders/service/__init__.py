"""Use cases: submitting and running order jobs, reads, tenants and auth, on the ports."""
