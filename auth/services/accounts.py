"""Registration and password login."""

from __future__ import annotations

import unicodedata
import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from auth.models import User
from auth.passwords import PasswordHasher
from common.errors import Conflict, InvalidCredentials, InvalidInput
from common.logging import get_logger

__all__ = ["AccountService", "normalize_email"]

log = get_logger(__name__)

_LOGIN_FAILED = "Invalid email or password"
_MAX_EMAIL_LENGTH = 254


def normalize_email(email: str) -> str:
    """Map the spellings of one address to one account key.

    NFKC folds compatibility forms (a full-width "a", U+FF41, becomes "a") and
    case-folding goes beyond lower-casing ("ß" becomes "ss"). Folding can
    lengthen a string, so the length is checked again afterwards.

    Raises:
        InvalidInput: the normalized address is too long or not printable.
    """
    normalized = unicodedata.normalize("NFKC", email).strip().casefold()
    if len(normalized) > _MAX_EMAIL_LENGTH:
        raise InvalidInput("email", f"longer than {_MAX_EMAIL_LENGTH} characters once normalized")
    if not normalized.isprintable() or normalized.count("@") != 1:
        raise InvalidInput("email", "must be one printable address with a single @")
    return normalized


class AccountService:
    def __init__(self, hasher: PasswordHasher) -> None:
        self._hasher = hasher

    async def register(self, db: AsyncSession, *, email: str, password: str) -> User:
        """Create a user with role ``user``.

        Raises:
            Conflict: the email is already registered.
        """
        email = normalize_email(email)
        password_hash = await self._hasher.hash(password)
        # ON CONFLICT instead of catching a unique violation: PostgreSQL writes
        # a violation's key, the email address, into its own server log.
        user_id = await db.scalar(
            insert(User)
            .values(
                id=uuid.uuid4(),
                email=email,
                password_hash=password_hash,
                role="user",
            )
            .on_conflict_do_nothing(index_elements=[User.email])
            .returning(User.id)
        )
        if user_id is None:
            raise Conflict("Email already registered")
        user = await db.get_one(User, user_id)
        log.info("user_registered", user_id=str(user.id))
        return user

    async def authenticate(self, db: AsyncSession, *, email: str, password: str) -> User:
        """Return the user whose password matches, re-hashing an outdated hash.

        Raises:
            InvalidCredentials: unknown email, wrong password or disabled user,
                all with the same message.
        """
        user = await db.scalar(select(User).where(User.email == normalize_email(email)))
        valid, new_hash = await self._hasher.verify(password, user.password_hash if user else None)
        if user is None or not valid:
            log.info("login_failed", user_id=str(user.id) if user else None)
            raise InvalidCredentials(_LOGIN_FAILED)
        if user.disabled:
            log.info("login_refused_disabled", user_id=str(user.id))
            raise InvalidCredentials(_LOGIN_FAILED)
        if new_hash is not None:
            user.password_hash = new_hash
            log.info("password_rehashed", user_id=str(user.id))
        return user

    async def get(self, db: AsyncSession, user_id: uuid.UUID) -> User | None:
        return await db.get(User, user_id)
