"""HTTP client of the demo: cookie authentication, CSRF header and readable errors."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import httpx

from .cookies import CookieStore

__all__ = ["DemoClient", "DemoError", "describe_failure"]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

# Characters of a response body shown in an error when it has no JSON `detail`.
_MAX_BODY_IN_ERROR = 300


class DemoError(RuntimeError):
    """A demo step failed. The message names the step and what went wrong."""


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "detail" in body:
        return str(body["detail"])
    text = response.text.strip()
    return text[:_MAX_BODY_IN_ERROR] if text else "(empty body)"


def describe_failure(step: str, response: httpx.Response) -> str:
    """Build the error message for a response with an unexpected status."""
    request = response.request
    return (
        f"{step} failed: {request.method} {request.url} returned "
        f"{response.status_code} {response.reason_phrase}: {_detail(response)}"
    )


class DemoClient:
    """Sends requests as a browser on 127.0.0.1 would, with the cookies of one user."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.cookies = CookieStore()

    async def request(
        self,
        step: str,
        method: str,
        url: str,
        *,
        expected: Collection[int],
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        cookies: CookieStore | None = None,
    ) -> httpx.Response:
        """Send a request with the stored cookies and return the response.

        Unsafe methods also get the CSRF header. `cookies` replaces the stored cookies
        for this request. Raises DemoError, naming `step`, when the service cannot be
        reached or the status is not in `expected`.
        """
        jar = cookies if cookies is not None else self.cookies
        all_headers = dict(headers or {})
        cookie_header = jar.header_for(httpx.URL(url).path)
        if cookie_header:
            all_headers["Cookie"] = cookie_header
        csrf = jar.get(CSRF_COOKIE)
        if method.upper() in UNSAFE_METHODS and csrf is not None:
            all_headers[CSRF_HEADER] = csrf.value

        try:
            response = await self.http.request(method, url, json=json, headers=all_headers)
        except httpx.TransportError as error:
            raise DemoError(
                f"{step} failed: cannot reach {url} ({type(error).__name__}: {error}). "
                f"Is the stack running? Start it with `make run`."
            ) from error
        if response.status_code not in expected:
            raise DemoError(describe_failure(step, response))
        return response
