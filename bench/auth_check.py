"""Compare the request-path auth check with one bare PyJWT verification of the same token.

Run from the project root: .venv/bin/python -m bench.auth_check [--rounds N]

Both sides verify the same RS256 access token with the same public key. The
auth check adds the header checks, claim type checks and the denylist
mirror look-up (with 10,000 entries in it). Rounds alternate between the two
sides, so load from other processes hits both alike; the ratio of medians is
the number to read.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from common.denylist.entries import DenyEntry, RevocationKind
from common.denylist.mirror import DenylistMirror
from common.tokens.issuer import AccessTokenIssuer
from common.tokens.keys import KeySet, SigningKey
from common.tokens.verifier import AccessTokenVerifier

_BATCH = 200


def _signing_key() -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return SigningKey.from_pem(pem)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50, help="alternating rounds of 200 calls")
    rounds = parser.parse_args().rounds

    key = _signing_key()
    issuer = AccessTokenIssuer(key, issuer="revocast-auth", audience=["orders"], ttl_seconds=900)
    token, _ = issuer.issue(subject=str(uuid.uuid4()), session_id=str(uuid.uuid4()), role="user")
    keys = KeySet([key.public_jwk()])
    verifier = AccessTokenVerifier(
        lambda: keys,
        issuer="revocast-auth",
        audience="orders",
        algorithms=["RS256"],
        leeway_seconds=10,
        max_lifetime_seconds=900,
    )
    mirror = DenylistMirror()
    now = time.time()
    for _ in range(10_000):
        mirror.add(DenyEntry(RevocationKind.SESSION, uuid.uuid4().hex, now, now + 900))
    public_key = keys.get(key.kid).key  # type: ignore[union-attr]

    def bare() -> None:
        jwt.decode(token, public_key, algorithms=["RS256"], audience="orders")

    def auth_check() -> None:
        claims = verifier.verify(token)
        if mirror.match(claims) is not None:
            raise AssertionError("token unexpectedly revoked")

    def per_call_us(function: object) -> float:
        start = time.perf_counter()
        for _ in range(_BATCH):
            function()  # type: ignore[operator]
        return (time.perf_counter() - start) / _BATCH * 1e6

    bare_times, check_times = [], []
    for _ in range(rounds):
        bare_times.append(per_call_us(bare))
        check_times.append(per_call_us(auth_check))
    bare_median = statistics.median(bare_times)
    check_median = statistics.median(check_times)
    print(f"bare PyJWT verify   median {bare_median:8.1f} us per call")
    print(f"auth check          median {check_median:8.1f} us per call")
    print(f"ratio (check/bare)         {check_median / bare_median:8.3f}")


if __name__ == "__main__":
    main()
