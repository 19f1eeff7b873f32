"""Per-request log context and request metrics, as a plain ASGI middleware."""

from __future__ import annotations

import time
import uuid

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from common.metrics import ServiceMetrics

__all__ = ["RequestContextMiddleware"]

_REQUEST_ID_HEADER = b"x-request-id"
_MAX_REQUEST_ID_LENGTH = 64


class RequestContextMiddleware:
    """Bind a request id to every log line of a request and count the request.

    A client-supplied ``X-Request-ID`` is reused when it is short and
    printable, so that one id follows a request across services.
    """

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((_REQUEST_ID_HEADER, request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("path_template") or "unmatched"
            method = scope.get("method", "")
            self._metrics.requests.labels(method=method, route=route, status=str(status)).inc()
            self._metrics.request_seconds.labels(method=method, route=route).observe(
                time.perf_counter() - started
            )
            structlog.contextvars.clear_contextvars()


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == _REQUEST_ID_HEADER:
            text = value.decode("latin-1")
            if 0 < len(text) <= _MAX_REQUEST_ID_LENGTH and text.isprintable():
                return text
            break
    return uuid.uuid4().hex
