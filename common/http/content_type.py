"""Reject request bodies that are not JSON before any handler parses them."""

from __future__ import annotations

import json

from litestar.types import ASGIApp, Receive, Scope, Send

__all__ = ["JsonBodyMiddleware"]

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_UNSUPPORTED = 415


class JsonBodyMiddleware:
    """Return 415 for a POST, PUT or PATCH whose body is not ``application/json``.

    Every Revocast endpoint reads JSON. Requiring the JSON media type also
    blocks cross-site form posts (``text/plain`` needs no CORS preflight),
    which would otherwise reach login and register with a victim's browser.
    Requests without a body, such as ``POST /auth/logout``, pass.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in _BODY_METHODS:
            headers = dict(scope["headers"])
            has_body = (
                headers.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in headers
            )
            media_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
            if has_body and not (
                media_type == b"application/json" or media_type.endswith(b"+json")
            ):
                await _reject(send)
                return
        await self.app(scope, receive, send)


async def _reject(send: Send) -> None:
    body = json.dumps(
        {"status_code": _UNSUPPORTED, "detail": "Content-Type must be application/json"}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": _UNSUPPORTED,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
