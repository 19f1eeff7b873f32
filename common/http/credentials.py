"""Reading the access token from a request, and the CSRF rule for cookie-authenticated requests."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection

from common.http.cookies import ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER

__all__ = [
    "UNSAFE_METHODS",
    "Credentials",
    "CsrfRejected",
    "check_csrf",
    "check_origin",
    "read_credentials",
]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class Credentials:
    token: str
    from_cookie: bool


class CsrfRejected(Exception):
    """A cookie-authenticated unsafe request failed the CSRF check; the message gives the reason."""


def read_credentials(connection: ASGIConnection[Any, Any, Any, Any]) -> Credentials | None:
    """Return the access token of a request, preferring ``Authorization: Bearer``.

    A bearer token is sent deliberately by a non-browser client, so it needs
    no CSRF token; a cookie arrives with every browser request, so it does.
    """
    authorization = connection.headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return Credentials(token=token.strip(), from_cookie=False)
        return None
    token = connection.cookies.get(ACCESS_COOKIE)
    if token:
        return Credentials(token=token, from_cookie=True)
    return None


def check_csrf(
    connection: ASGIConnection[Any, Any, Any, Any], allowed_origins: frozenset[str]
) -> None:
    """Apply the double-submit rule and the ``Origin`` allow-list.

    Raises:
        CsrfRejected: the header does not match the cookie, or ``Origin`` is
            present and neither allow-listed nor this service's own.
    """
    header = connection.headers.get(CSRF_HEADER.lower(), "")
    cookie = connection.cookies.get(CSRF_COOKIE, "")
    if not header or not cookie or not hmac.compare_digest(header.encode(), cookie.encode()):
        raise CsrfRejected(
            f"CSRF check failed: send the {CSRF_COOKIE} cookie value in the {CSRF_HEADER} header"
        )
    check_origin(connection, allowed_origins)


def check_origin(
    connection: ASGIConnection[Any, Any, Any, Any], allowed_origins: frozenset[str]
) -> None:
    """Reject a request whose ``Origin`` is present but neither allow-listed nor this host.

    Raises:
        CsrfRejected: with the offending origin, shortened.
    """
    origin = connection.headers.get("origin")
    if origin is None or origin.rstrip("/") in allowed_origins:
        return
    if not _is_same_host(origin, connection.headers.get("host", "")):
        raise CsrfRejected(f"Origin {origin[:100]!r} is not allowed")


def _is_same_host(origin: str, host: str) -> bool:
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    # A serialized origin is scheme://host[:port] and nothing else (RFC 6454).
    return (
        parts.scheme in ("http", "https")
        and bool(host)
        and parts.netloc == host
        and not parts.path
        and not parts.query
        and not parts.fragment
        and "@" not in parts.netloc
    )
