"""Domain exceptions shared by the services.

Services raise these with the data that explains them; one mapping in
:mod:`common.http.errors` turns them into HTTP responses.
"""

from __future__ import annotations

__all__ = [
    "Conflict",
    "DependencyUnavailable",
    "DomainError",
    "InvalidCredentials",
    "InvalidInput",
    "NotFound",
    "NotPermitted",
    "RetryLater",
]


class DomainError(Exception):
    """Base class of errors that a client causes or must be informed of."""


class NotFound(DomainError):
    """A resource does not exist, or the caller may not know that it does."""

    def __init__(self, resource: str, resource_id: str) -> None:
        super().__init__(f"{resource} {resource_id} not found")
        self.resource = resource
        self.resource_id = resource_id


class InvalidInput(DomainError):
    """A request value is invalid in a way the schema cannot express."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"Invalid request: {field}: {problem}")
        self.field = field


class Conflict(DomainError):
    """The request contradicts the current state, e.g. a duplicate or a paid order."""


class NotPermitted(DomainError):
    """The caller is authenticated but may not do this."""


class InvalidCredentials(DomainError):
    """Login or refresh failed. The message does not reveal which part was wrong."""


class RetryLater(DomainError):
    """The result depends on an event not applied yet, so the client should retry."""

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class DependencyUnavailable(DomainError):
    """A dependency needed for a safe response is down."""
