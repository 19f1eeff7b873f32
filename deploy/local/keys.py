"""RSA signing key of the auth service for the local stack."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["ensure_signing_key"]

RSA_KEY_BITS = 2048


def ensure_signing_key(path: Path) -> bool:
    """Write a new RSA private key as unencrypted PKCS#8 PEM to `path` unless the file exists.

    The file gets mode 0600 and its folder 0700. Returns whether a key was created.
    """
    if path.exists():
        return False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)

    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    try:
        # O_EXCL keeps a key that another runner wrote in the meantime.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return True
