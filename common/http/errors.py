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
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from common.errors import (
    Conflict,
    DependencyUnavailable,
    DomainError,
    InvalidCredentials,
    NotFound,
    NotPermitted,
    RetryLater,
)
from common.logging import get_logger

__all__ = ["error_response", "exception_handlers"]

log = get_logger(__name__)

_DOMAIN_STATUS: Mapping[type[DomainError], int] = {
    NotFound: HTTP_404_NOT_FOUND,
    Conflict: HTTP_409_CONFLICT,
    NotPermitted: HTTP_403_FORBIDDEN,
    InvalidCredentials: HTTP_401_UNAUTHORIZED,
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
            problems.append(f"{key}: {message}" if key else str(message))
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
    return error_response(status, exc.detail, exc.headers)


def _unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled_error", path=request.url.path, method=request.method)
    return error_response(HTTP_500_INTERNAL_SERVER_ERROR, "Internal server error")


def exception_handlers() -> dict[type[Exception], Callable[..., Response[Any]]]:
    """Return the handlers every Revocast app installs."""
    return {
        DomainError: _domain_error,
        ValidationException: _validation_error,
        HTTPException: _http_error,
        Exception: _unexpected_error,
    }
