"""One mapping from exceptions to JSON error responses ``{"status_code", "detail"}``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import (
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from common.errors import (
    Conflict,
    DependencyUnavailable,
    DomainError,
    InvalidCredentials,
    InvalidInput,
    NotFound,
    NotPermitted,
    RetryLater,
)
from common.logging import get_logger

__all__ = ["error_response", "exception_handlers"]

log = get_logger(__name__)

# asyncpg errors, wrapped by SQLAlchemy, that mean the server cannot be used
# right now rather than that the statement was wrong.
_CONNECTION_ERROR_NAMES = frozenset(
    {
        "CannotConnectNowError",
        "ConnectionDoesNotExistError",
        "InvalidCatalogNameError",
        "TooManyConnectionsError",
        "AdminShutdownError",
        "CrashShutdownError",
    }
)

_DOMAIN_STATUS: Mapping[type[DomainError], int] = {
    NotFound: HTTP_404_NOT_FOUND,
    Conflict: HTTP_409_CONFLICT,
    NotPermitted: HTTP_403_FORBIDDEN,
    InvalidCredentials: HTTP_401_UNAUTHORIZED,
    InvalidInput: HTTP_422_UNPROCESSABLE_ENTITY,
    RetryLater: HTTP_409_CONFLICT,
    DependencyUnavailable: HTTP_503_SERVICE_UNAVAILABLE,
}


def error_response(
    status_code: int, detail: str, headers: Mapping[str, str] | None = None
) -> Response[dict[str, Any]]:
    return Response(
        content={"status_code": status_code, "detail": detail},
        status_code=status_code,
        media_type=MediaType.JSON,
        headers=dict(headers or {}),
    )


def _domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    status = next(
        (code for cls, code in _DOMAIN_STATUS.items() if isinstance(exc, cls)),
        HTTP_409_CONFLICT,
    )
    headers = {}
    if isinstance(exc, RetryLater):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    if status == HTTP_503_SERVICE_UNAVAILABLE:
        log.warning("dependency_unavailable", path=request.url.path, error=str(exc))
    return error_response(status, str(exc), headers)


def _validation_error(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[dict[str, Any]]:
    # Litestar reports schema failures as 400 with a list of problems; clients
    # of this API get 422 and one sentence naming each invalid field.
    problems = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key = item.get("key")
            message = item.get("message", "invalid value")
            # Litestar names the whole body "data" when msgspec gives no field
            # path; the message itself then names the field.
            problems.append(f"{key}: {message}" if key and key != "data" else str(message))
    detail = "; ".join(problems) or _clean_detail(exc.detail)
    return error_response(HTTP_422_UNPROCESSABLE_ENTITY, f"Invalid request: {detail}")


def _clean_detail(detail: str) -> str:
    return detail.split(" - ", 1)[-1] if " - " in detail else detail


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    if status >= HTTP_500_INTERNAL_SERVER_ERROR and status != HTTP_503_SERVICE_UNAVAILABLE:
        return _unexpected_error(request, exc)
    if status == 400:
        # Body decoding errors (malformed JSON, wrong content) are invalid input.
        return error_response(
            HTTP_422_UNPROCESSABLE_ENTITY, f"Invalid request body or parameters: {exc.detail}"
        )
    headers = dict(exc.headers or {})
    if status == HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in headers:
        # Litestar's rate limiter sends the seconds to wait as RateLimit-Reset.
        headers["Retry-After"] = headers.get("RateLimit-Reset", "60")
    return error_response(status, exc.detail, headers)


def _recursion_error(
    request: Request[Any, Any, Any], exc: RecursionError
) -> Response[dict[str, Any]]:
    # Raised while decoding a body nested deeper than the interpreter's
    # recursion limit: client input, not a server fault.
    log.info("request_body_too_deep", path=request.url.path)
    return error_response(HTTP_422_UNPROCESSABLE_ENTITY, "Invalid request body: nested too deeply")


def _database_unavailable(
    request: Request[Any, Any, Any], exc: Exception
) -> Response[dict[str, Any]]:
    if isinstance(exc, DBAPIError) and not _is_connection_error(exc):
        return _unexpected_error(request, exc)
    log.warning("database_unavailable", path=request.url.path, error=type(exc).__name__)
    return error_response(
        HTTP_503_SERVICE_UNAVAILABLE,
        "Database unavailable; retry shortly",
        {"Retry-After": "1"},
    )


def _dependency_unavailable(
    request: Request[Any, Any, Any], exc: OSError
) -> Response[dict[str, Any]]:
    # A connection-level failure that escaped the database driver's wrapping.
    log.warning("dependency_unavailable", path=request.url.path, error=repr(exc)[:200])
    return error_response(
        HTTP_503_SERVICE_UNAVAILABLE,
        "A service dependency is unavailable; retry shortly",
        {"Retry-After": "1"},
    )


def _is_connection_error(exc: DBAPIError) -> bool:
    if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
        return True
    # SQLAlchemy wraps asyncpg's exception in an adapter class; the original
    # is the adapter's cause.
    for error in (exc.orig, getattr(exc.orig, "__cause__", None)):
        if isinstance(error, OSError) or type(error).__name__ in _CONNECTION_ERROR_NAMES:
            return True
    return False


def _unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled_error", path=request.url.path, method=request.method)
    return error_response(HTTP_500_INTERNAL_SERVER_ERROR, "Internal server error")


def exception_handlers() -> dict[type[Exception], Callable[..., Response[Any]]]:
    """Return the handlers every Revocast app installs."""
    return {
        DomainError: _domain_error,
        ValidationException: _validation_error,
        HTTPException: _http_error,
        RecursionError: _recursion_error,
        DBAPIError: _database_unavailable,
        SQLAlchemyTimeoutError: _database_unavailable,
        OSError: _dependency_unavailable,
        Exception: _unexpected_error,
    }
