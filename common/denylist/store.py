"""The denylist in Redis, shared by the replicas of one service."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping

from redis.asyncio import Redis

from common.denylist.entries import DenyEntry, RevocationKind

__all__ = ["RedisDenylist"]

# Move a stored position forward only: replicas of one service share the hash,
# and one that is behind must not drag the others' resume point backwards.
_ADVANCE_POSITION = """
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 0
"""


class RedisDenylist:
    """Entries with a TTL that ends when the last token they cover expires.

    Each entry is one key, so Redis drops it by itself. The consumer's position
    in the revocation topic is stored in the same transaction as the entries
    it read, so a restarted replica never resumes past an event it has not stored.
    """

    def __init__(self, redis: Redis, *, namespace: str) -> None:
        self._redis = redis
        self._prefix = f"revocast:{namespace}:deny:"
        self._positions_key = f"revocast:{namespace}:positions"
        self._advance = redis.register_script(_ADVANCE_POSITION)

    def _key(self, entry: DenyEntry) -> str:
        return f"{self._prefix}{entry.kind.value}:{entry.value}"

    async def store(
        self,
        entries: Iterable[DenyEntry],
        positions: Mapping[str, int],
        *,
        now: float | None = None,
    ) -> None:
        """Write ``entries`` and advance ``positions`` (partition name to next offset) atomically."""
        current = time.time() if now is None else now
        async with self._redis.pipeline(transaction=True) as pipe:
            for entry in entries:
                if entry.expires_at <= current:
                    continue
                payload = json.dumps(
                    {"revoked_at": entry.revoked_at, "expires_at": entry.expires_at}
                )
                pipe.set(self._key(entry), payload, pxat=int(entry.expires_at * 1000))
            for partition, offset in positions.items():
                await self._advance(
                    keys=[self._positions_key], args=[partition, offset], client=pipe
                )
            await pipe.execute()

    async def load(self) -> list[DenyEntry]:
        """Read every live entry."""
        entries: list[DenyEntry] = []
        async for raw_key in self._redis.scan_iter(match=f"{self._prefix}*", count=1000):
            key = raw_key.decode() if isinstance(raw_key, bytes) else raw_key
            raw = await self._redis.get(key)
            if raw is None:  # expired between SCAN and GET
                continue
            kind, _, value = key.removeprefix(self._prefix).partition(":")
            data = json.loads(raw)
            entries.append(
                DenyEntry(
                    kind=RevocationKind(kind),
                    value=value,
                    revoked_at=float(data["revoked_at"]),
                    expires_at=float(data["expires_at"]),
                )
            )
        return entries

    async def positions(self) -> dict[str, int]:
        """Return the stored next offset of each partition, keyed ``topic:partition``."""
        raw = await self._redis.hgetall(self._positions_key)
        return {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in raw.items()}

    async def reset_positions(self) -> None:
        """Forget stored positions, after the topic's log was found to restart."""
        await self._redis.delete(self._positions_key)
