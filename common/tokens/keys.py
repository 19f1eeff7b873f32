"""Signing keys, their JWK form and a key set looked up by ``kid``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

__all__ = ["KeySet", "SigningKey", "algorithm_for", "load_public_jwk", "public_jwk"]

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey


def algorithm_for(key: PrivateKey | PublicKey) -> str:
    """Return the JWS algorithm a key of this type signs with."""
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise ValueError(f"EC key on curve {key.curve.name} is not supported; use P-256")
        return "ES256"
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "EdDSA"
    raise ValueError(f"unsupported key type {type(key).__name__}; use RSA, P-256 or Ed25519")


def public_jwk(public_key: PublicKey) -> dict[str, Any]:
    """Return the public JWK of a key, with ``kid`` set to its RFC 7638 thumbprint."""
    algorithm = algorithm_for(public_key)
    if algorithm == "RS256":
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(public_key, as_dict=True)
        members = ("e", "kty", "n")
    elif algorithm == "ES256":
        jwk = ECAlgorithm.to_jwk(public_key, as_dict=True)
        members = ("crv", "kty", "x", "y")
    else:
        jwk = OKPAlgorithm.to_jwk(public_key, as_dict=True)
        members = ("crv", "kty", "x")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    jwk["kid"] = jwt.utils.base64url_encode(_sha256(canonical.encode())).decode()
    jwk["alg"] = algorithm
    jwk["use"] = "sig"
    return jwk


def _sha256(data: bytes) -> bytes:
    import hashlib

    return hashlib.sha256(data).digest()


def load_public_jwk(path: Path) -> dict[str, Any]:
    """Read a PEM public key (of a retired signing key) as a JWK."""
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey):
        raise ValueError(f"{path}: unsupported key type {type(key).__name__}")
    return public_jwk(key)


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private key with its ``kid`` and algorithm, used only by the auth service."""

    private_key: PrivateKey
    kid: str
    algorithm: str

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(
            key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
        ):
            raise ValueError(f"unsupported private key type {type(key).__name__}")
        if isinstance(key, rsa.RSAPrivateKey) and key.key_size < 2048:
            raise ValueError(f"RSA key of {key.key_size} bits is too short; use at least 2048")
        jwk = public_jwk(key.public_key())
        return cls(private_key=key, kid=jwk["kid"], algorithm=jwk["alg"])

    @classmethod
    def from_file(cls, path: Path) -> SigningKey:
        return cls.from_pem(path.read_bytes())

    def public_jwk(self) -> dict[str, Any]:
        return public_jwk(self.private_key.public_key())


class KeySet:
    """Verification keys by ``kid``, built from JWKS documents."""

    __slots__ = ("_keys",)

    def __init__(self, jwks: Iterable[Mapping[str, Any]] = ()) -> None:
        keys: dict[str, jwt.PyJWK] = {}
        for jwk in jwks:
            kid = jwk.get("kid")
            if not isinstance(kid, str) or not kid:
                continue
            # A JWKS may carry keys this deployment does not use; skip what
            # PyJWT cannot load rather than failing the whole set.
            try:
                keys[kid] = jwt.PyJWK(dict(jwk))
            except jwt.PyJWTError:
                continue
        self._keys = keys

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> KeySet:
        """Build a key set from a parsed JWKS document ``{"keys": [...]}``."""
        keys = document.get("keys")
        if not isinstance(keys, list):
            raise ValueError("JWKS document has no 'keys' list")
        return cls(key for key in keys if isinstance(key, Mapping))

    def get(self, kid: str) -> jwt.PyJWK | None:
        return self._keys.get(kid)

    def __contains__(self, kid: object) -> bool:
        return kid in self._keys

    def __len__(self) -> int:
        return len(self._keys)
