"""Access-token verification: every check, and the attacks each one stops."""

from __future__ import annotations

import contextlib
import time
import uuid

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.tokens.errors import (
    AlgorithmNotAllowed,
    InvalidAccessToken,
    InvalidClaims,
    InvalidSignature,
    MalformedToken,
    TokenExpired,
    UnknownKeyId,
    WrongTokenType,
)
from common.tokens.issuer import AccessTokenIssuer
from common.tokens.keys import KeySet, SigningKey
from common.tokens.verifier import MAX_TOKEN_LENGTH, AccessTokenVerifier


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": "revocast-auth",
        "aud": ["orders"],
        "sub": str(uuid.uuid4()),
        "sid": str(uuid.uuid4()),
        "jti": uuid.uuid4().hex,
        "iat": now,
        "nbf": now,
        "exp": now + 900,
        "role": "user",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(key: SigningKey, claims: dict[str, object], **header: object) -> str:
    headers = {"typ": "at+jwt", "kid": key.kid, **header}
    return jwt.encode(claims, key.private_key, algorithm=key.algorithm, headers=headers)


def test_issued_token_verifies(issuer: AccessTokenIssuer, verifier: AccessTokenVerifier) -> None:
    token, issued = issuer.issue(subject="user-1", session_id="session-1", role="user")
    claims = verifier.verify(token)
    assert claims == issued


@pytest.mark.parametrize("key_fixture", ["ec_key", "ed_key"])
def test_es256_and_eddsa_keys_verify(key_fixture: str, request: pytest.FixtureRequest) -> None:
    key: SigningKey = request.getfixturevalue(key_fixture)
    keys = KeySet([key.public_jwk()])
    verifier = AccessTokenVerifier(
        lambda: keys,
        issuer="revocast-auth",
        audience="orders",
        algorithms=[key.algorithm],
        leeway_seconds=0,
        max_lifetime_seconds=900,
    )
    assert verifier.verify(_sign(key, _claims())).role == "user"


def test_alg_none_is_rejected(rsa_key: SigningKey, verifier: AccessTokenVerifier) -> None:
    """Stops the unsigned-token attack (CVE-2015-9235 class)."""
    token = jwt.encode(
        _claims(), None, algorithm="none", headers={"kid": rsa_key.kid, "typ": "at+jwt"}
    )
    with pytest.raises(AlgorithmNotAllowed):
        verifier.verify(token)


def test_hs256_with_public_key_as_secret_is_rejected(
    rsa_key: SigningKey, verifier: AccessTokenVerifier
) -> None:
    """Stops RSA/HMAC algorithm confusion (CVE-2022-29217 class)."""
    token = jwt.encode(
        _claims(),
        "public-key-material-used-as-secret!!",
        algorithm="HS256",
        headers={"kid": rsa_key.kid, "typ": "at+jwt"},
    )
    with pytest.raises(AlgorithmNotAllowed):
        verifier.verify(token)


def test_allowed_alg_not_matching_key_is_rejected(rsa_key: SigningKey, ec_key: SigningKey) -> None:
    keys = KeySet([rsa_key.public_jwk()])
    verifier = AccessTokenVerifier(
        lambda: keys,
        issuer="revocast-auth",
        audience="orders",
        algorithms=["RS256", "ES256"],
        leeway_seconds=0,
        max_lifetime_seconds=900,
    )
    token = _sign(ec_key, _claims(), kid=rsa_key.kid)
    with pytest.raises(AlgorithmNotAllowed):
        verifier.verify(token)


def test_other_key_signature_is_rejected(
    rsa_key: SigningKey, verifier: AccessTokenVerifier
) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(
        _claims(), other, algorithm="RS256", headers={"kid": rsa_key.kid, "typ": "at+jwt"}
    )
    with pytest.raises(InvalidSignature):
        verifier.verify(token)


def test_unknown_kid_is_reported_for_refetch(verifier: AccessTokenVerifier) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(
        _claims(), private, algorithm="RS256", headers={"kid": "new-key", "typ": "at+jwt"}
    )
    with pytest.raises(UnknownKeyId) as caught:
        verifier.verify(token)
    assert caught.value.kid == "new-key"


@pytest.mark.parametrize("typ", [None, "JWT", "secevent+jwt", "id_token"])
def test_wrong_typ_is_rejected(
    rsa_key: SigningKey, verifier: AccessTokenVerifier, typ: str | None
) -> None:
    """Stops a revocation event or ID token signed by the same key from passing as an access token."""
    token = _sign(rsa_key, _claims(), typ=typ)
    with pytest.raises(WrongTokenType):
        verifier.verify(token)


def test_media_type_form_of_typ_is_accepted(
    rsa_key: SigningKey, verifier: AccessTokenVerifier
) -> None:
    token = _sign(rsa_key, _claims(), typ="application/at+jwt")
    assert verifier.verify(token).role == "user"


def test_missing_kid_is_malformed(rsa_key: SigningKey, verifier: AccessTokenVerifier) -> None:
    token = jwt.encode(_claims(), rsa_key.private_key, algorithm="RS256", headers={"typ": "at+jwt"})
    with pytest.raises(MalformedToken):
        verifier.verify(token)


def test_expired_token_is_rejected_after_leeway(
    rsa_key: SigningKey, verifier: AccessTokenVerifier
) -> None:
    now = int(time.time())
    within_leeway = _sign(rsa_key, _claims(iat=now - 905, nbf=now - 905, exp=now - 5))
    assert verifier.verify(within_leeway).exp == now - 5
    expired = _sign(rsa_key, _claims(iat=now - 1000, nbf=now - 1000, exp=now - 100))
    with pytest.raises(TokenExpired):
        verifier.verify(expired)


@pytest.mark.parametrize(
    "overrides",
    [
        {"iss": "someone-else"},
        {"aud": ["payments"]},
        {"nbf": int(time.time()) + 3600},
        {"iat": int(time.time()) + 3600},
        {"role": "superuser"},
        {"sub": 42},
        {"sid": ""},
        {"iat": "yesterday"},
    ],
)
def test_wrong_claim_is_rejected(
    rsa_key: SigningKey, verifier: AccessTokenVerifier, overrides: dict[str, object]
) -> None:
    with pytest.raises((InvalidClaims, MalformedToken)):
        verifier.verify(_sign(rsa_key, _claims(**overrides)))


@pytest.mark.parametrize(
    "missing", ["iss", "aud", "sub", "sid", "jti", "iat", "nbf", "exp", "role"]
)
def test_missing_claim_is_rejected(
    rsa_key: SigningKey, verifier: AccessTokenVerifier, missing: str
) -> None:
    claims = _claims()
    del claims[missing]
    with pytest.raises((InvalidClaims, MalformedToken)):
        verifier.verify(_sign(rsa_key, claims))


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "e30.e30.", "x" * 10_000])
def test_garbage_is_malformed(verifier: AccessTokenVerifier, garbage: str) -> None:
    with pytest.raises(MalformedToken):
        verifier.verify(garbage)


def test_verifier_refuses_none_in_allow_list(rsa_key: SigningKey) -> None:
    with pytest.raises(ValueError, match="none"):
        AccessTokenVerifier(
            KeySet,
            issuer="i",
            audience="a",
            algorithms=["RS256", "none"],
            leeway_seconds=0,
            max_lifetime_seconds=900,
        )


def test_kid_is_rfc7638_thumbprint(rsa_key: SigningKey) -> None:
    jwk = rsa_key.public_jwk()
    assert jwk["kid"] == rsa_key.kid
    assert jwk["alg"] == "RS256"
    assert "d" not in jwk
    thumbprint = jwt.PyJWK(jwk)  # loads as a public key
    assert thumbprint.key_id == rsa_key.kid


def _raw_token(header: object, payload: object, signature: str = "AAAA") -> str:
    import json

    def part(value: object) -> str:
        return jwt.utils.base64url_encode(json.dumps(value).encode()).decode()

    return f"{part(header)}.{part(payload)}.{signature}"


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "RS256", "typ": "at+jwt", "kid": 1},
        {"alg": "RS256", "typ": "at+jwt", "kid": None},
        {"alg": "RS256", "typ": "at+jwt", "kid": ["a"]},
        {"alg": ["RS256"], "typ": "at+jwt", "kid": "x"},
        {"alg": {"a": 1}, "typ": "at+jwt", "kid": "x"},
        {"alg": "RS256", "typ": ["at+jwt"], "kid": "x"},
        {"alg": "RS256", "typ": "at+jwt", "kid": "x", "crit": ["exp"]},
        {"alg": "RS256", "typ": "at+jwt", "kid": "x", "crit": []},
        {"alg": "RS256", "typ": "at+jwt", "kid": "x", "crit": "x"},
        ["not", "an", "object"],
        "string header",
    ],
)
def test_malformed_header_is_rejected_not_crashing(
    verifier: AccessTokenVerifier, header: object
) -> None:
    """Stops unauthenticated 500 errors from headers of unexpected types."""
    with pytest.raises(InvalidAccessToken):
        verifier.verify(_raw_token(header, {}))


def test_crit_header_on_known_kid_is_rejected(
    rsa_key: SigningKey, verifier: AccessTokenVerifier
) -> None:
    for crit in (["exp"], [], "x"):
        token = _sign(rsa_key, _claims(), crit=crit)
        with pytest.raises(InvalidAccessToken):
            verifier.verify(token)


def test_oversized_token_is_malformed_before_parsing(verifier: AccessTokenVerifier) -> None:
    with pytest.raises(MalformedToken, match="exceeds"):
        verifier.verify("a" * (MAX_TOKEN_LENGTH + 1))


@pytest.mark.parametrize(
    "overrides",
    [
        {"sub": "user\x00id"},
        {"sid": "line\nbreak"},
        {"sub": "x" * 256},
        {"iat": -5},
        {"exp": 10**30},
    ],
)
def test_unsafe_claim_value_is_rejected(
    rsa_key: SigningKey, verifier: AccessTokenVerifier, overrides: dict[str, object]
) -> None:
    """Stops claim values that would reach SQL, Redis keys or logs as control characters."""
    with pytest.raises((InvalidClaims, MalformedToken)):
        verifier.verify(_sign(rsa_key, _claims(**overrides)))


def test_lifetime_longer_than_configured_is_rejected(
    rsa_key: SigningKey, verifier: AccessTokenVerifier
) -> None:
    now = int(time.time())
    with pytest.raises(InvalidClaims, match="lifetime"):
        verifier.verify(_sign(rsa_key, _claims(iat=now, nbf=now, exp=now + 901)))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.dictionaries(
        st.sampled_from(["alg", "typ", "kid", "crit", "jku", "jwk", "x5u", "b64", "cty"]),
        _json,
        max_size=6,
    ),
    payload=_json,
    signature=st.text(alphabet="ABCDEFabcdef0123456789-_", max_size=40),
)
def test_any_token_either_verifies_or_raises_invalid(
    verifier: AccessTokenVerifier, header: dict[str, object], payload: object, signature: str
) -> None:
    """Every input ends in a verified claim set or an InvalidAccessToken, never another error."""
    with contextlib.suppress(InvalidAccessToken):
        verifier.verify(_raw_token(header, payload, signature))
