"""The auth service's JWKS, fetched over HTTP and cached in memory."""

from __future__ import annotations

import asyncio
import time

import httpx

from common.logging import get_logger
from common.tokens.keys import KeySet

__all__ = ["JwksUnavailable", "RemoteJwks"]

log = get_logger(__name__)


class JwksUnavailable(RuntimeError):
    """The JWKS could not be fetched or parsed."""


class RemoteJwks:
    """A cached copy of a remote JWKS.

    Verification reads :meth:`current` with no I/O. A refetch happens at start,
    and when a token names an unknown ``kid`` (a new signing key), at most once
    per cooldown so that tokens with made-up ``kid`` values cannot turn every
    request into a call to the auth service.
    """

    def __init__(
        self,
        url: str,
        *,
        cooldown_seconds: float,
        client: httpx.AsyncClient | None = None,
        timeout_seconds: float = 5.0,
    ) -> None:
        self._url = url
        self._cooldown = cooldown_seconds
        self._client = client or httpx.AsyncClient(timeout=timeout_seconds)
        self._owns_client = client is None
        self._keys = KeySet()
        self._last_fetch = float("-inf")
        self._lock = asyncio.Lock()

    @property
    def loaded(self) -> bool:
        return len(self._keys) > 0

    def current(self) -> KeySet:
        return self._keys

    async def fetch(self) -> KeySet:
        """Fetch the JWKS now and replace the cached key set.

        Raises:
            JwksUnavailable: the request failed or the document is not a JWKS.
        """
        self._last_fetch = time.monotonic()
        try:
            response = await self._client.get(self._url)
            response.raise_for_status()
            keys = KeySet.from_document(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            raise JwksUnavailable(f"cannot load JWKS from {self._url}: {exc}") from exc
        self._keys = keys
        log.info("jwks_loaded", url=self._url, keys=len(keys))
        return keys

    async def refresh_for(self, kid: str) -> bool:
        """Refetch the JWKS for an unknown ``kid`` unless one was fetched within the cooldown.

        Returns:
            Whether ``kid`` is known afterwards.
        """
        if kid in self._keys:
            return True
        async with self._lock:
            if kid in self._keys:
                return True
            if time.monotonic() - self._last_fetch < self._cooldown:
                return False
            try:
                await self.fetch()
            except JwksUnavailable as exc:
                log.warning("jwks_refetch_failed", kid=kid, error=str(exc))
                return False
        return kid in self._keys

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()
