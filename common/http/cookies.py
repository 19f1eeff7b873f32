"""The three authentication cookies, set and cleared with identical attributes."""

from __future__ import annotations

from litestar.datastructures import Cookie

from common.settings import ServiceSettings

__all__ = [
    "ACCESS_COOKIE",
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "REFRESH_COOKIE",
    "REFRESH_COOKIE_PATH",
    "clearing_cookies",
    "session_cookies",
]

ACCESS_COOKIE = "access_token"
REFRESH_COOKIE = "refresh_token"
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

# The refresh token goes only to the auth service, never to business services.
REFRESH_COOKIE_PATH = "/auth"


def _cookie(
    settings: ServiceSettings, key: str, value: str, *, path: str, http_only: bool, max_age: int
) -> Cookie:
    return Cookie(
        key=key,
        value=value,
        path=path,
        domain=settings.cookie_domain,
        secure=settings.cookie_secure,
        httponly=http_only,
        samesite=settings.cookie_samesite,
        max_age=max_age,
    )


def session_cookies(
    settings: ServiceSettings,
    *,
    access_token: str,
    access_max_age: int,
    refresh_token: str,
    refresh_max_age: int,
    csrf_token: str,
) -> list[Cookie]:
    """Build the cookies a login or refresh sets.

    The CSRF cookie lives as long as the refresh token because the frontend
    needs it to call ``/auth/refresh`` after the access cookie has expired.
    """
    return [
        _cookie(
            settings, ACCESS_COOKIE, access_token, path="/", http_only=True, max_age=access_max_age
        ),
        _cookie(
            settings,
            REFRESH_COOKIE,
            refresh_token,
            path=REFRESH_COOKIE_PATH,
            http_only=True,
            max_age=refresh_max_age,
        ),
        _cookie(
            settings, CSRF_COOKIE, csrf_token, path="/", http_only=False, max_age=refresh_max_age
        ),
    ]


def clearing_cookies(settings: ServiceSettings) -> list[Cookie]:
    """Build cookies that delete the three session cookies.

    A browser deletes a cookie only when name, path and domain match the ones
    it was set with, so these reuse :func:`session_cookies`' attributes.
    """
    return [
        _cookie(settings, ACCESS_COOKIE, "", path="/", http_only=True, max_age=0),
        _cookie(settings, REFRESH_COOKIE, "", path=REFRESH_COOKIE_PATH, http_only=True, max_age=0),
        _cookie(settings, CSRF_COOKIE, "", path="/", http_only=False, max_age=0),
    ]
