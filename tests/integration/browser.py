"""An HTTP client that keeps cookies the way a browser on one origin would.

The services set ``Secure`` cookies, which httpx's cookie jar does not send
over plain HTTP. Tests run on http://127.0.0.1, so this client keeps the
cookies itself and honours their ``Path``. Like the frontend, it echoes the
CSRF cookie in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import httpx

__all__ = ["Browser", "SetCookie", "parse_set_cookies"]

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class SetCookie:
    name: str
    value: str
    attributes: dict[str, str]
    flags: set[str] = field(default_factory=set)


def parse_set_cookies(response: httpx.Response) -> dict[str, SetCookie]:
    """Parse every ``Set-Cookie`` header, keeping flags such as ``HttpOnly``."""
    cookies: dict[str, SetCookie] = {}
    for header in response.headers.get_list("set-cookie"):
        name_value, *parts = (part.strip() for part in header.split(";"))
        name, _, value = name_value.partition("=")
        attributes: dict[str, str] = {}
        flags: set[str] = set()
        for part in parts:
            key, sep, attribute_value = part.partition("=")
            if sep:
                attributes[key.lower()] = attribute_value
            else:
                flags.add(key.lower())
        parsed = SimpleCookie()
        parsed.load(f"{name}={value}")
        cookies[name] = SetCookie(name, parsed[name].value, attributes, flags)
    return cookies


class Browser:
    """Cookies per path, sent to any of the services like one origin behind an ingress."""

    def __init__(self) -> None:
        self.cookies: dict[str, SetCookie] = {}
        self.client = httpx.AsyncClient(timeout=10)
        self.send_csrf = True

    async def aclose(self) -> None:
        await self.client.aclose()

    def _cookie_header(self, path: str) -> str:
        return "; ".join(
            f"{c.name}={c.value}"
            for c in self.cookies.values()
            if path.startswith(c.attributes.get("path", "/")) and c.value
        )

    async def request(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        path = httpx.URL(url).path
        sent = dict(headers or {})
        cookie_header = self._cookie_header(path)
        if cookie_header:
            sent["Cookie"] = cookie_header
        csrf = self.cookies.get("csrf_token")
        if self.send_csrf and method.upper() in _UNSAFE and csrf and csrf.value:
            sent.setdefault("X-CSRF-Token", csrf.value)
        response = await self.client.request(method, url, headers=sent, **kwargs)
        for name, cookie in parse_set_cookies(response).items():
            if cookie.attributes.get("max-age") == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = cookie
        return response

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", url, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("DELETE", url, **kwargs)

    def cookie(self, name: str) -> str:
        return self.cookies[name].value
