"""Measure how soon each service rejects an access token after its user logged out."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx

from .cookies import CookieStore
from .demo_client import DemoError, describe_failure

__all__ = ["RejectionResult", "measure_rejection"]

# Pause between two requests with the old token, in seconds.
PROBE_INTERVAL = 0.001
# Seconds after logout after which a service that still accepts the token fails the demo.
PROBE_TIMEOUT = 10.0


@dataclass(frozen=True)
class RejectionResult:
    """When one service first rejected the logged-out token."""

    service: str
    #: Seconds from the logout response to the first 401 response, or None if none came.
    delay: float | None
    #: Requests with the old token that the service accepted before it rejected one.
    accepted_before: int


async def _probe(
    http: httpx.AsyncClient,
    service: str,
    url: str,
    old_cookies: CookieStore,
    logged_out_at: float,
) -> RejectionResult:
    headers = {"Cookie": old_cookies.header_for(httpx.URL(url).path)}
    accepted = 0
    while time.perf_counter() - logged_out_at < PROBE_TIMEOUT:
        try:
            response = await http.get(url, headers=headers)
        except httpx.TransportError as error:
            raise DemoError(f"Probing {service} failed: cannot reach {url} ({error}).") from error
        # The delay ends when the 401 arrives, so it includes this request's round trip.
        if response.status_code == 401:
            return RejectionResult(service, time.perf_counter() - logged_out_at, accepted)
        if response.status_code != 200:
            raise DemoError(describe_failure(f"Probing {service} with the old token", response))
        accepted += 1
        await asyncio.sleep(PROBE_INTERVAL)
    return RejectionResult(service, None, accepted)


async def measure_rejection(
    http: httpx.AsyncClient,
    targets: dict[str, str],
    old_cookies: CookieStore,
    logged_out_at: float,
) -> list[RejectionResult]:
    """Send GET requests with the old cookies to every target URL at once, each in a tight loop.

    `targets` maps a service name to the URL to probe, and `logged_out_at` is the
    `time.perf_counter()` value taken when the logout response arrived. Each loop stops at
    its first 401 or after PROBE_TIMEOUT seconds. Raises DemoError on any status other
    than 200 and 401.
    """
    probes = [
        _probe(http, service, url, old_cookies, logged_out_at) for service, url in targets.items()
    ]
    return list(await asyncio.gather(*probes))
