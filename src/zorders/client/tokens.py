"""Cached OAuth tokens: one JSON file under the user's cache directory, readable by them only."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: A token this close to its expiry is treated as expired (clock skew, slow requests).
EXPIRY_MARGIN_SECONDS = 60


def default_cache_path(environ: Mapping[str, str] = os.environ) -> Path:
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "zorders" / "tokens.json"


@dataclass(frozen=True, kw_only=True, slots=True)
class CachedToken:
    access_token: str
    expires_at: float

    def fresh(self, now: float) -> bool:
        return now < self.expires_at - EXPIRY_MARGIN_SECONDS


def secret_fingerprint(client_secret: str) -> str:
    """Tells whether a cached token was issued for the secret given now (a wrong secret
    must not be answered from the cache); 64 bits of its SHA-256, never the secret."""
    return hashlib.sha256(client_secret.encode()).hexdigest()[:16]


class TokenCache:
    """Tokens by base URL and client id. The secret is never written; a token is."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_cache_path()

    @staticmethod
    def key(base_url: str, client_id: str) -> str:
        return f"{base_url.rstrip('/')} {client_id}"

    def get(self, base_url: str, client_id: str, client_secret: str) -> CachedToken | None:
        entry = self._load().get(self.key(base_url, client_id))
        if not isinstance(entry, dict) or entry.get("secret") != secret_fingerprint(client_secret):
            return None
        try:
            token = CachedToken(
                access_token=str(entry["access_token"]), expires_at=float(entry["expires_at"])
            )
        except (KeyError, TypeError, ValueError):
            return None
        return token if token.fresh(time.time()) else None

    def put(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        access_token: str,
        expires_in: float,
    ) -> None:
        entries = self._load()
        now = time.time()
        entries = {k: v for k, v in entries.items() if _unexpired(v, now)}
        entries[self.key(base_url, client_id)] = {
            "access_token": access_token,
            "expires_at": now + expires_in,
            "secret": secret_fingerprint(client_secret),
        }
        self._save(entries)

    def forget(self, base_url: str, client_id: str) -> None:
        entries = self._load()
        if entries.pop(self.key(base_url, client_id), None) is not None:
            self._save(entries)

    def _load(self) -> dict[str, object]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, entries: Mapping[str, object]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written to a 0600 temporary file, then renamed: never readable by others,
        # never half-written.
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-")
        try:
            with os.fdopen(fd, "w") as out:
                json.dump(entries, out)
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _unexpired(entry: object, now: float) -> bool:
    return isinstance(entry, dict) and float(entry.get("expires_at", 0)) > now
