"""Sessions and refresh-token rotation with reuse detection."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.models import RefreshToken, Session, User
from auth.services.revocations import RevocationWriter
from common.denylist.entries import RevocationKind
from common.logging import get_logger
from common.revocation.events import RevocationReason
from common.settings import AuthSettings
from common.tokens.claims import AccessClaims
from common.tokens.issuer import AccessTokenIssuer

__all__ = ["IssuedTokens", "RefreshOutcome", "SessionService", "hash_refresh_token"]

log = get_logger(__name__)

# Uses of a rotated refresh token allowed inside the grace window: enough for
# a few tabs refreshing at once, too few for a thief to fork the session
# into many live tokens unnoticed.
MAX_GRACE_USES = 2


def hash_refresh_token(token: str) -> bytes:
    """SHA-256 of a refresh token, the only form stored.

    A fast hash is enough: the token has 256 bits of entropy, so the hash
    cannot be reversed by guessing, unlike a password hash.
    """
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    """Tokens that a login or refresh sends to the client as cookies."""

    user: User
    access_token: str
    access_claims: AccessClaims
    refresh_token: str
    csrf_token: str


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    """Result of a refresh: new tokens, or why there are none.

    ``revoked_session`` is set when the refresh found a replayed token and
    revoked its session; the caller commits that and then rejects the request.
    """

    tokens: IssuedTokens | None = None
    revoked_session: uuid.UUID | None = None


class SessionService:
    def __init__(
        self, settings: AuthSettings, issuer: AccessTokenIssuer, revocations: RevocationWriter
    ) -> None:
        self._issuer = issuer
        self._revocations = revocations
        self._refresh_ttl = timedelta(seconds=settings.refresh_token_ttl_seconds)
        self._grace = timedelta(seconds=settings.refresh_reuse_grace_seconds)

    async def start(self, db: AsyncSession, user: User) -> IssuedTokens:
        """Open a session for ``user`` and issue its first tokens."""
        now = datetime.now(UTC)
        session = Session(id=uuid.uuid4(), user_id=user.id, expires_at=now + self._refresh_ttl)
        db.add(session)
        await db.flush()
        log.info("session_started", user_id=str(user.id), session_id=str(session.id))
        return await self._issue(db, user, session, now)

    async def _issue(
        self, db: AsyncSession, user: User, session: Session, now: datetime
    ) -> IssuedTokens:
        refresh_token = secrets.token_urlsafe(32)
        db.add(
            RefreshToken(
                id=uuid.uuid4(),
                session_id=session.id,
                token_hash=hash_refresh_token(refresh_token),
                expires_at=session.expires_at,
            )
        )
        access_token, claims = self._issuer.issue(
            subject=str(user.id), session_id=str(session.id), role=user.role
        )
        return IssuedTokens(
            user=user,
            access_token=access_token,
            access_claims=claims,
            refresh_token=refresh_token,
            csrf_token=secrets.token_urlsafe(32),
        )

    async def refresh(self, db: AsyncSession, refresh_token: str) -> RefreshOutcome:
        """Exchange a refresh token for new tokens, rotating it.

        A token used again within the grace window gets new tokens too (two
        tabs refreshing at once), at most ``MAX_GRACE_USES`` times. Used again
        after that, or later, it is taken as stolen: the whole session is
        revoked and the revocation broadcast.
        """
        now = datetime.now(UTC)
        row = (
            await db.execute(
                select(RefreshToken, Session, User)
                .join(Session, RefreshToken.session_id == Session.id)
                .join(User, Session.user_id == User.id)
                .where(RefreshToken.token_hash == hash_refresh_token(refresh_token))
                .with_for_update(of=[RefreshToken, Session])
            )
        ).first()
        if row is None:
            log.info("refresh_rejected", reason="unknown_token")
            return RefreshOutcome()
        token, session, user = row
        context = {"user_id": str(user.id), "session_id": str(session.id)}

        if session.revoked_at is not None or session.expires_at <= now or token.expires_at <= now:
            log.info("refresh_rejected", reason="session_ended", **context)
            return RefreshOutcome()
        if user.disabled:
            log.info("refresh_rejected", reason="user_disabled", **context)
            return RefreshOutcome()

        if token.rotated_at is not None and (
            now - token.rotated_at > self._grace or token.grace_uses >= MAX_GRACE_USES
        ):
            await self.revoke(db, session, RevocationReason.REFRESH_TOKEN_REUSE, now=now)
            log.warning("refresh_token_reuse_detected", grace_uses=token.grace_uses, **context)
            return RefreshOutcome(revoked_session=session.id)
        if token.rotated_at is not None:
            token.grace_uses += 1
            log.info("refresh_token_reused_within_grace", **context)
        else:
            token.rotated_at = now
        session.last_refreshed_at = now
        return RefreshOutcome(tokens=await self._issue(db, user, session, now))

    async def revoke(
        self,
        db: AsyncSession,
        session: Session,
        reason: RevocationReason,
        *,
        now: datetime | None = None,
    ) -> None:
        """End ``session`` and broadcast it; its refresh tokens stop working with it."""
        if session.revoked_at is not None:
            return
        session.revoked_at = now or datetime.now(UTC)
        session.revoke_reason = reason.value
        await self._revocations.revoke(
            db,
            kind=RevocationKind.SESSION,
            value=str(session.id),
            user_id=session.user_id,
            reason=reason,
        )
        log.info(
            "session_revoked",
            user_id=str(session.user_id),
            session_id=str(session.id),
            reason=reason.value,
        )

    async def revoke_by_id(
        self, db: AsyncSession, session_id: uuid.UUID, reason: RevocationReason
    ) -> Session | None:
        session = await db.get(Session, session_id, with_for_update=True)
        if session is not None:
            await self.revoke(db, session, reason)
        return session

    async def is_active(self, db: AsyncSession, session_id: uuid.UUID) -> bool:
        """Check that the session exists, is not revoked and belongs to an enabled user."""
        revoked_at, disabled = (
            await db.execute(
                select(Session.revoked_at, User.disabled)
                .join(User, Session.user_id == User.id)
                .where(Session.id == session_id)
            )
        ).one_or_none() or (datetime.min, True)
        return revoked_at is None and not disabled
