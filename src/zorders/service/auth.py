"""OAuth client credentials: hashed secrets, bearer tokens, and checking them without a DB trip."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from zorders.domain.errors import AuthenticationFailed, InvalidValue, Resource
from zorders.service.ports import Clock, IdFactory, Store
from zorders.service.tenants import Tenant
from zorders.types import TenantId

#: Zuora's tokens last one hour and report ``expires_in: 3599`` (facts §10).
TOKEN_LIFETIME = timedelta(seconds=3599)
#: Client secrets are random and long, so a modest work factor suffices; it only
#: slows the token call, never a regular API call.
_PBKDF2_ITERATIONS = 20_000
#: Tenants are re-read this often, so settings changed by another process take effect.
_TENANT_CACHE_SECONDS = 5.0
#: The official SDK refuses anything else before sending (facts §10).
CLIENT_ID_LENGTH = 36
MAX_SECRET_LENGTH = 42


def hash_secret(secret: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), bytes.fromhex(salt), _PBKDF2_ITERATIONS)
    return f"pbkdf2_sha256${_PBKDF2_ITERATIONS}${salt}${digest.hex()}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, expected = stored.split("$")
        digest = hashlib.pbkdf2_hmac(
            "sha256", secret.encode(), bytes.fromhex(salt), int(iterations)
        )
    except ValueError:
        return False
    return scheme == "pbkdf2_sha256" and hmac.compare_digest(digest.hex(), expected)


def new_client_secret() -> str:
    """40 URL-safe characters: inside Zuora's 42-character limit."""
    return secrets.token_urlsafe(30)


def check_credentials_shape(client_id: str, client_secret: str) -> None:
    if len(client_id) != CLIENT_ID_LENGTH:
        raise InvalidValue("A client id has exactly 36 characters.", resource=Resource.TENANT)
    if not 1 <= len(client_secret) <= MAX_SECRET_LENGTH:
        raise InvalidValue("A client secret has 1 to 42 characters.", resource=Resource.TENANT)


@lru_cache(maxsize=1024)
def token_digest(token: str) -> str:
    # Memoized: every API call of a client presents the same token for its hour.
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, kw_only=True, slots=True)
class AccessToken:
    token: str
    tenant: Tenant
    expires_in: int
    jti: str


class Authenticator:
    """Issues tokens and resolves them to tenants.

    Tokens are stored (hashed) so every API process accepts them; each process keeps
    the ones it has seen in memory, so a poll costs no database round trip for auth.
    """

    def __init__(self, store: Store, clock: Clock, ids: IdFactory) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._tokens: dict[str, tuple[TenantId, datetime]] = {}
        self._tenants: dict[TenantId, tuple[Tenant, datetime]] = {}
        self._lock = threading.Lock()

    def issue_token(self, client_id: str, client_secret: str) -> AccessToken:
        with self._store.begin(write=False) as uow:
            tenant = uow.tenants.by_client_id(client_id)
        if tenant is None or not verify_secret(client_secret, tenant.secret_hash):
            raise AuthenticationFailed("Invalid client id or secret.")
        token = self._ids.new_id()
        expires_at = self._clock.now() + TOKEN_LIFETIME
        with self._store.begin() as uow:
            uow.tokens.add(token_digest(token), tenant.id, expires_at)
        with self._lock:
            self._tokens[token_digest(token)] = (tenant.id, expires_at)
        return AccessToken(
            token=token,
            tenant=tenant,
            expires_in=int(TOKEN_LIFETIME.total_seconds()),
            jti=self._ids.new_id(),
        )

    def cached(self, token: str) -> Tenant | None:
        """The token's tenant when this process holds both, fresh: no I/O, so an event loop
        may call it. None means "ask ``authenticate``" (which may read the store)."""
        digest = token_digest(token)
        now = self._clock.now()
        with self._lock:
            known = self._tokens.get(digest)
            if known is None or known[1] <= now:
                return None
            tenant = self._tenants.get(known[0])
        if tenant is None or tenant[1] <= now:
            return None
        return tenant[0]

    def authenticate(self, token: str) -> Tenant:
        """The tenant a bearer token belongs to; AuthenticationFailed if unknown or expired."""
        digest = token_digest(token)
        now = self._clock.now()
        with self._lock:
            cached = self._tokens.get(digest)
        if cached is None:
            with self._store.begin(write=False) as uow:
                cached = uow.tokens.get(digest)
            if cached is None:
                raise AuthenticationFailed("Authentication error")
            with self._lock:
                self._tokens[digest] = cached
        tenant_id, expires_at = cached
        if expires_at <= now:
            with self._lock:
                self._tokens.pop(digest, None)
            raise AuthenticationFailed("Authentication error")
        return self.tenant(tenant_id)

    def tenant(self, tenant_id: TenantId) -> Tenant:
        now = self._clock.now()
        with self._lock:
            cached = self._tenants.get(tenant_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        with self._store.begin(write=False) as uow:
            tenant = uow.tenants.get(tenant_id)
        if tenant is None:
            raise AuthenticationFailed("Authentication error")
        with self._lock:
            self._tenants[tenant_id] = (tenant, now + timedelta(seconds=_TENANT_CACHE_SECONDS))
        return tenant
