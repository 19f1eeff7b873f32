"""The auth service's long-lived objects, built once per app."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.datastructures import Cookie

from auth.keys import KeyRing
from auth.services.accounts import AccountService
from auth.services.sessions import IssuedTokens, SessionService
from common.http.cookies import session_cookies
from common.outbox import OutboxRelay
from common.settings import AuthSettings

__all__ = ["AuthServices"]


@dataclass(slots=True)
class AuthServices:
    settings: AuthSettings
    keys: KeyRing
    accounts: AccountService
    sessions: SessionService
    relay: OutboxRelay

    def cookies_for(self, issued: IssuedTokens) -> list[Cookie]:
        """Build the session cookies for freshly issued tokens."""
        return session_cookies(
            self.settings,
            access_token=issued.access_token,
            access_max_age=self.settings.access_token_ttl_seconds,
            refresh_token=issued.refresh_token,
            refresh_max_age=self.settings.refresh_token_ttl_seconds,
            csrf_token=issued.csrf_token,
        )
