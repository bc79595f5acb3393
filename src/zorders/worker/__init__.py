"""Background execution: claiming jobs, running them through JOB_HANDLERS, maintenance."""
