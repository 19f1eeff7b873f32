"""Route guards on the authenticated principal."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection, Request
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from common.principal import Principal

__all__ = ["current_principal", "provide_principal", "requires_role"]


def current_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """Return the request's principal; raises 401 on a route that skipped authentication."""
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise NotAuthorizedException("Authentication required")
    return user


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """Dependency ``principal`` for route handlers."""
    return current_principal(request)


def requires_role(*roles: str) -> Guard:
    """Build a guard that admits principals having one of ``roles``.

    Example::

        @post("/refunds", guards=[requires_role("admin")])
    """
    if not roles:
        raise ValueError("requires_role() needs at least one role")
    allowed = frozenset(roles)

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = current_principal(connection)
        if principal.role not in allowed:
            raise PermissionDeniedException(
                f"This action requires the role {' or '.join(sorted(allowed))}"
            )

    guard.__name__ = f"requires_role({', '.join(sorted(allowed))})"
    return guard
