"""Password hashing with Argon2id, run off the event loop."""

from __future__ import annotations

import asyncio
import secrets

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

__all__ = ["PasswordHasher"]


class PasswordHasher:
    """Hash new passwords with Argon2id; verify Argon2id and bcrypt hashes.

    A bcrypt hash (from an imported user base) verifies, and the caller gets
    a new Argon2id hash to store. Hashing costs tens of milliseconds of CPU,
    so every call runs in a worker thread and the event loop keeps serving.
    """

    def __init__(
        self, *, time_cost: int, memory_cost_kib: int, parallelism: int, max_concurrent: int = 2
    ) -> None:
        self._hash = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism
                ),
                BcryptHasher(),
            )
        )
        # Verified against when an email is unknown, so that a login for a
        # missing account costs as much as one with a wrong password.
        self._dummy_hash = self._hash.hash(secrets.token_urlsafe(16))
        # Each Argon2id call uses ``memory_cost_kib`` of memory, and bounding the
        # calls in flight bounds the memory a burst of logins can take.
        self._slots = asyncio.Semaphore(max_concurrent)

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hash.hash, password)

    async def verify(self, password: str, password_hash: str | None) -> tuple[bool, str | None]:
        """Check ``password``; with no stored hash, spend the same time and fail.

        Returns:
            Whether it matched, and a new hash to store when the stored one
            uses an old algorithm or cost.
        """
        async with self._slots:
            if password_hash is None:
                await asyncio.to_thread(self._hash.verify, password, self._dummy_hash)
                return False, None
            return await asyncio.to_thread(self._hash.verify_and_update, password, password_hash)
