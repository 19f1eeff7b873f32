"""``/healthz``, ``/readyz`` and ``/metrics`` route handlers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from common.http.authentication import EXCLUDE_FROM_AUTH
from common.logging import get_logger
from common.metrics import CONTENT_TYPE_LATEST, ServiceMetrics

__all__ = ["ReadinessCheck", "health_handlers"]

log = get_logger(__name__)

#: Returns ``None`` when ready, otherwise why not.
ReadinessCheck = Callable[[], Awaitable[str | None]]

_CHECK_TIMEOUT_SECONDS = 2.0


@get("/healthz", opt={EXCLUDE_FROM_AUTH: True}, include_in_schema=False, sync_to_thread=False)
def healthz() -> dict[str, str]:
    """Return 200 while the process serves requests at all."""
    return {"status": "ok"}


@get("/readyz", opt={EXCLUDE_FROM_AUTH: True}, include_in_schema=False)
async def readyz(state: State) -> Response[dict[str, Any]]:
    """Return 200 once every readiness check passes, 503 with the failures otherwise."""
    checks: dict[str, ReadinessCheck] = state["readiness_checks"]
    failures: dict[str, str] = {}
    for name, check in checks.items():
        try:
            problem = await asyncio.wait_for(check(), _CHECK_TIMEOUT_SECONDS)
        except TimeoutError:
            problem = f"timed out after {_CHECK_TIMEOUT_SECONDS} s"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            problem = "unavailable"
            log.warning("readiness_check_failed", check=name, error=repr(exc))
        if problem is not None:
            failures[name] = problem
    if failures:
        detail = "; ".join(f"{name}: {problem}" for name, problem in failures.items())
        return Response(
            {"status_code": HTTP_503_SERVICE_UNAVAILABLE, "detail": f"Not ready: {detail}"},
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    return Response({"status": "ready"}, status_code=HTTP_200_OK)


@get("/metrics", opt={EXCLUDE_FROM_AUTH: True}, include_in_schema=False, sync_to_thread=False)
def metrics(state: State) -> Response[bytes]:
    service_metrics: ServiceMetrics = state["metrics"]
    # Litestar appends the charset itself; keeping it here would repeat it.
    media_type = CONTENT_TYPE_LATEST.replace("; charset=utf-8", "")
    return Response(service_metrics.render(), media_type=media_type)


def health_handlers() -> list[Any]:
    return [healthz, readyz, metrics]
