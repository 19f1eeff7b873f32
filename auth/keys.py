"""The auth service's signing key and the JWKS it publishes."""

from __future__ import annotations

from typing import Any

from common.settings import AuthSettings
from common.tokens.keys import KeySet, SigningKey, load_public_jwk

__all__ = ["KeyRing"]


class KeyRing:
    """The current signing key plus the public keys of retired ones.

    Retired keys stay in the JWKS until every token they signed has expired;
    remove a file from ``REVOCAST_PREVIOUS_PUBLIC_KEY_FILES`` only after
    one access-token lifetime has passed since the rotation.
    """

    def __init__(self, settings: AuthSettings) -> None:
        self.signing_key = SigningKey.from_file(settings.signing_key_file)
        if self.signing_key.algorithm not in settings.jwt_algorithms:
            raise ValueError(
                f"signing key algorithm {self.signing_key.algorithm} is not in "
                f"REVOCAST_JWT_ALGORITHMS {list(settings.jwt_algorithms)}; add it or change the key"
            )
        self._jwks: list[dict[str, Any]] = [self.signing_key.public_jwk()]
        self._jwks.extend(load_public_jwk(path) for path in settings.previous_public_key_files)
        self.key_set = KeySet(self._jwks)

    def jwks(self) -> dict[str, Any]:
        """Return the JWKS document served at ``/.well-known/jwks.json``."""
        return {"keys": list(self._jwks)}

    def current(self) -> KeySet:
        return self.key_set
