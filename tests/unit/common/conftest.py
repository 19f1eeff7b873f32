from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from common.tokens.issuer import AccessTokenIssuer
from common.tokens.keys import KeySet, SigningKey
from common.tokens.verifier import AccessTokenVerifier


def _pem(key: object) -> bytes:
    return key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.fixture(scope="session")
def rsa_key() -> SigningKey:
    return SigningKey.from_pem(_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)))


@pytest.fixture(scope="session")
def ec_key() -> SigningKey:
    return SigningKey.from_pem(_pem(ec.generate_private_key(ec.SECP256R1())))


@pytest.fixture(scope="session")
def ed_key() -> SigningKey:
    return SigningKey.from_pem(_pem(ed25519.Ed25519PrivateKey.generate()))


@pytest.fixture
def issuer(rsa_key: SigningKey) -> AccessTokenIssuer:
    return AccessTokenIssuer(
        rsa_key, issuer="revocast-auth", audience=["auth", "orders"], ttl_seconds=900
    )


@pytest.fixture
def verifier(rsa_key: SigningKey) -> AccessTokenVerifier:
    keys = KeySet([rsa_key.public_jwk()])
    return AccessTokenVerifier(
        lambda: keys,
        issuer="revocast-auth",
        audience="orders",
        algorithms=["RS256"],
        leeway_seconds=10,
        max_lifetime_seconds=900,
    )
