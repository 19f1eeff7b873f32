"""HTTP routes of the auth service."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from auth.schemas import Credentials, UserOut
from auth.services.container import AuthServices
from common.dependencies import CurrentPrincipal, DbSession
from common.errors import NotFound
from common.http.authentication import EXCLUDE_FROM_AUTH
from common.http.cookies import REFRESH_COOKIE, clearing_cookies
from common.http.credentials import CsrfRejected, check_csrf, check_origin
from common.http.errors import error_response
from common.revocation.events import RevocationReason

__all__ = ["AuthController", "jwks"]

_PUBLIC = {EXCLUDE_FROM_AUTH: True}
_REFRESH_FAILED = "Invalid or expired refresh token; log in again"


def _user_out(user: Any) -> UserOut:
    return UserOut(id=user.id, email=user.email, role=user.role)


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/register", opt=_PUBLIC, status_code=HTTP_201_CREATED)
    async def register(
        self,
        request: Request[Any, Any, State],
        data: JSONBody[Credentials],
        db_session: DbSession,
        services: NamedDependency[AuthServices],
    ) -> UserOut:
        """Create an account with role ``user``; 409 if the email is taken."""
        _check_origin(request, services)
        async with db_session.begin():
            user = await services.accounts.register(
                db_session, email=data.email, password=data.password
            )
        return _user_out(user)

    @post("/login", opt=_PUBLIC, status_code=HTTP_200_OK)
    async def login(
        self,
        request: Request[Any, Any, State],
        data: JSONBody[Credentials],
        db_session: DbSession,
        services: NamedDependency[AuthServices],
    ) -> Response[UserOut]:
        """Check the password, open a session and set the session cookies."""
        # Without this, a foreign page could log a victim's browser into the
        # attacker's account (login CSRF).
        _check_origin(request, services)
        async with db_session.begin():
            user = await services.accounts.authenticate(
                db_session, email=data.email, password=data.password
            )
            issued = await services.sessions.start(db_session, user)
        return Response(_user_out(user), cookies=services.cookies_for(issued))

    @post("/refresh", opt=_PUBLIC, status_code=HTTP_200_OK)
    async def refresh(
        self,
        request: Request[Any, Any, State],
        db_session: DbSession,
        services: NamedDependency[AuthServices],
    ) -> Response[Any]:
        """Rotate the refresh token and issue a new access token.

        Authenticated by the ``refresh_token`` cookie alone, so the CSRF rule
        applies even though no access token is checked.
        """
        try:
            check_csrf(request, frozenset(services.settings.allowed_origins))
        except CsrfRejected as exc:
            raise PermissionDeniedException(str(exc)) from None
        raw = request.cookies.get(REFRESH_COOKIE)
        if not raw:
            return _refresh_failed(services)
        async with db_session.begin():
            outcome = await services.sessions.refresh(db_session, raw)
        if outcome.revoked_session is not None:
            services.relay.notify()
        if outcome.tokens is None:
            return _refresh_failed(services)
        return Response(
            _user_out(outcome.tokens.user), cookies=services.cookies_for(outcome.tokens)
        )

    @post("/logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(
        self,
        principal: CurrentPrincipal,
        db_session: DbSession,
        services: NamedDependency[AuthServices],
    ) -> Response[None]:
        """Revoke the caller's session everywhere and clear the cookies."""
        async with db_session.begin():
            await services.sessions.revoke_by_id(
                db_session, uuid.UUID(principal.session_id), RevocationReason.LOGOUT
            )
        services.relay.notify()
        return Response(
            None, status_code=HTTP_204_NO_CONTENT, cookies=clearing_cookies(services.settings)
        )

    @get("/me")
    async def me(
        self,
        principal: CurrentPrincipal,
        db_session: DbSession,
        services: NamedDependency[AuthServices],
    ) -> UserOut:
        """Return the caller's account."""
        user = await services.accounts.get(db_session, uuid.UUID(principal.user_id))
        if user is None:
            raise NotFound("user", principal.user_id)
        return _user_out(user)


def _check_origin(request: Request[Any, Any, State], services: AuthServices) -> None:
    try:
        check_origin(request, frozenset(services.settings.allowed_origins))
    except CsrfRejected as exc:
        raise PermissionDeniedException(str(exc)) from None


def _refresh_failed(services: AuthServices) -> Response[Any]:
    response = error_response(401, _REFRESH_FAILED)
    for cookie in clearing_cookies(services.settings):
        response.set_cookie(cookie)
    return response


@get("/.well-known/jwks.json", opt=_PUBLIC, tags=["keys"], sync_to_thread=False)
def jwks(services: NamedDependency[AuthServices]) -> Response[dict[str, Any]]:
    """Publish the public keys that verify access tokens and revocation events."""
    return Response(
        services.keys.jwks(),
        headers={"Cache-Control": "public, max-age=300"},
        media_type="application/jwk-set+json",
    )
