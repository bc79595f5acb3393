"""The one error tree: every failure a client can see carries a stable Zuora code.

A Zuora code has eight digits: a six-digit resource code followed by a two-digit
category (docs "Error codes"). Only ``http`` turns these into envelopes and statuses::

    ZuoraError
    ├── PermissionDenied          10  feature off, not allowed
    ├── AuthenticationFailed      11
    ├── InvalidValue              20  bad format or value (also: not effective, not supported)
    ├── UnknownField              21
    ├── MissingField              22
    ├── BusinessRuleViolation     30
    ├── NotFound                  40
    ├── UnsupportedOperation      45  wrong method or media type
    ├── LockContention            50
    ├── InternalError             60
    ├── LimitExceeded             70
    └── MalformedRequest          90  body is not JSON
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar


class Category(IntEnum):
    PERMISSION_DENIED = 10
    AUTHENTICATION_FAILED = 11
    INVALID_VALUE = 20
    UNKNOWN_FIELD = 21
    MISSING_FIELD = 22
    MISSING_QUERY_PARAMETER = 23
    BUSINESS_RULE = 30
    NOT_FOUND = 40
    UNSUPPORTED_OPERATION = 45
    LOCK_CONTENTION = 50
    INTERNAL = 60
    TEMPORARY = 61
    LIMIT_EXCEEDED = 70
    MALFORMED = 90


class Resource(IntEnum):
    """Six-digit resource codes (zorders' choice inside Zuora's 500000–679999 range).

    ``GENERIC`` is what Zuora reports for GET/DELETE requests without a payload;
    ``ASYNC_JOB`` is the prefix Zuora's async order jobs use in their ``errors``
    string (``[40000020]: …``, seen in production, facts §1).
    """

    GENERIC = 500000
    ORDER = 510000
    ACCOUNT = 520000
    SUBSCRIPTION = 530000
    CATALOG = 540000
    TENANT = 550000
    ASYNC_JOB = 400000


class ZuoraError(Exception):
    """Base of every error a client may see; ``code`` is the 8-digit Zuora code."""

    category: ClassVar[Category] = Category.INTERNAL

    def __init__(self, message: str, *, resource: Resource = Resource.GENERIC) -> None:
        super().__init__(message)
        self.message = message
        self.resource = resource

    @property
    def code(self) -> int:
        return int(self.resource) * 100 + int(self.category)

    @property
    def job_code(self) -> int:
        """The code as an async job reports it: ``400000`` + category."""
        return int(Resource.ASYNC_JOB) * 100 + int(self.category)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code}, {self.message!r})"


class PermissionDenied(ZuoraError):
    category = Category.PERMISSION_DENIED


class AuthenticationFailed(ZuoraError):
    category = Category.AUTHENTICATION_FAILED


class InvalidValue(ZuoraError):
    category = Category.INVALID_VALUE


class UnknownField(ZuoraError):
    category = Category.UNKNOWN_FIELD


class MissingField(ZuoraError):
    category = Category.MISSING_FIELD


class BusinessRuleViolation(ZuoraError):
    category = Category.BUSINESS_RULE


class NotFound(ZuoraError):
    category = Category.NOT_FOUND


class UnsupportedOperation(ZuoraError):
    category = Category.UNSUPPORTED_OPERATION


class LockContention(ZuoraError):
    category = Category.LOCK_CONTENTION


class InternalError(ZuoraError):
    category = Category.INTERNAL


class LimitExceeded(ZuoraError):
    category = Category.LIMIT_EXCEEDED


class MalformedRequest(ZuoraError):
    category = Category.MALFORMED


def not_supported(what: str, *, resource: Resource = Resource.ORDER) -> InvalidValue:
    """An input Zuora accepts but zorders does not implement yet: refused, never faked."""
    return InvalidValue(f"{what} is not supported by zorders yet.", resource=resource)
