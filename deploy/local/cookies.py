"""Cookie storage for the demo client, which has to send Secure cookies over plain http."""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie

import httpx

__all__ = ["CookieStore", "StoredCookie"]


@dataclass(frozen=True)
class StoredCookie:
    """One cookie as set by a `Set-Cookie` header."""

    name: str
    value: str
    path: str
    http_only: bool
    secure: bool
    same_site: str


class CookieStore:
    """Cookies received from the services on 127.0.0.1, sent back in a `Cookie` header.

    The services mark their cookies Secure, so httpx's cookie jar does not send them
    over plain http. This store does, and applies only the path rule, like a browser
    does for one host: cookies ignore the port, so cookies set by auth reach orders
    and payments too. Expiry and deletion are not applied, which lets the demo reuse
    a token after logout.
    """

    def __init__(self) -> None:
        self._cookies: dict[str, StoredCookie] = {}

    def update_from(self, response: httpx.Response) -> None:
        """Store every cookie of the response's `Set-Cookie` headers.

        Raises ValueError when a header cannot be parsed.
        """
        for header in response.headers.get_list("set-cookie"):
            parsed: SimpleCookie = SimpleCookie()
            try:
                parsed.load(header)
            except CookieError as error:
                raise ValueError(f"invalid Set-Cookie header from {response.url}") from error
            if not parsed:
                # SimpleCookie skips what it cannot parse instead of raising.
                raise ValueError(f"invalid Set-Cookie header from {response.url}")
            for name, morsel in parsed.items():
                self._cookies[name] = StoredCookie(
                    name=name,
                    value=morsel.value,
                    path=morsel["path"] or "/",
                    http_only=bool(morsel["httponly"]),
                    secure=bool(morsel["secure"]),
                    same_site=str(morsel["samesite"]),
                )

    def get(self, name: str) -> StoredCookie | None:
        """Return the stored cookie called `name`, if any."""
        return self._cookies.get(name)

    def header_for(self, path: str) -> str:
        """Build the `Cookie` header value for a request to `path`."""
        return "; ".join(
            f"{cookie.name}={cookie.value}"
            for cookie in self._cookies.values()
            if _path_matches(cookie.path, path)
        )

    def copy(self) -> CookieStore:
        """Return an independent copy of the store."""
        duplicate = CookieStore()
        duplicate._cookies = dict(self._cookies)
        return duplicate


def _path_matches(cookie_path: str, request_path: str) -> bool:
    # Path matching as in RFC 6265, section 5.1.4.
    if request_path == cookie_path:
        return True
    if not request_path.startswith(cookie_path):
        return False
    return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"
