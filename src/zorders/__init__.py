"""zorders: a self-hostable, Zuora-compatible Orders service."""

from __future__ import annotations

__version__ = "0.1.0"
