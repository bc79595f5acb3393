"""``python -m zorders``."""

from __future__ import annotations

from zorders.cli import main

main()
