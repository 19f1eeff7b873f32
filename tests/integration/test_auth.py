"""Register, login, cookies, claims, refresh rotation and the errors of the auth service."""

from __future__ import annotations

import asyncio

import jwt
import pytest

from common.tokens.claims import REQUIRED_CLAIMS
from tests.integration.browser import Browser, parse_set_cookies
from tests.integration.helpers import PASSWORD, Stack, new_email, register_and_login


async def test_register_returns_user_without_secrets(stack: Stack, browser: Browser) -> None:
    email = new_email()
    response = await browser.post(
        f"{stack.auth_url}/auth/register", json={"email": email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "role"}
    assert body["email"] == email
    assert body["role"] == "user"
    assert "set-cookie" not in response.headers


async def test_login_sets_cookies_with_browser_attributes(stack: Stack, browser: Browser) -> None:
    email = new_email()
    await browser.post(
        f"{stack.auth_url}/auth/register", json={"email": email, "password": PASSWORD}
    )
    response = await browser.post(
        f"{stack.auth_url}/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert set(response.json()) == {"id", "email", "role"}
    cookies = parse_set_cookies(response)
    assert set(cookies) == {"access_token", "refresh_token", "csrf_token"}

    expected = {
        "access_token": ("/", True, str(15 * 60)),
        "refresh_token": ("/auth", True, str(7 * 24 * 3600)),
        "csrf_token": ("/", False, str(7 * 24 * 3600)),
    }
    for name, (path, http_only, max_age) in expected.items():
        cookie = cookies[name]
        assert cookie.attributes["path"] == path, name
        assert cookie.attributes["max-age"] == max_age, name
        assert cookie.attributes["samesite"].lower() == "strict", name
        assert "secure" in cookie.flags, name
        assert ("httponly" in cookie.flags) is http_only, name
        assert "domain" not in cookie.attributes, name


async def test_access_token_carries_exactly_the_contract_claims(
    stack: Stack, browser: Browser
) -> None:
    user = await register_and_login(stack, browser)
    token = browser.cookie("access_token")
    header = jwt.get_unverified_header(token)
    payload = jwt.decode(token, options={"verify_signature": False})

    assert header["typ"] == "at+jwt"
    assert header["alg"] == "RS256"
    assert header["kid"]
    assert set(payload) == set(REQUIRED_CLAIMS)
    assert payload["sub"] == user["id"]
    assert payload["role"] == "user"
    assert payload["iss"] == stack.auth_settings.jwt_issuer
    assert set(payload["aud"]) == {"auth", "orders", "payments"}
    assert payload["exp"] - payload["iat"] == 15 * 60
    assert payload["nbf"] == payload["iat"]
    assert user["email"] not in token


async def test_me_returns_the_logged_in_user(stack: Stack, browser: Browser, user: dict) -> None:
    response = await browser.get(f"{stack.auth_url}/auth/me")
    assert response.status_code == 200
    assert response.json() == user


async def test_jwks_publishes_the_signing_key(stack: Stack, browser: Browser, user: dict) -> None:
    response = await browser.get(f"{stack.auth_url}/.well-known/jwks.json")
    assert response.status_code == 200
    kids = [key["kid"] for key in response.json()["keys"]]
    assert jwt.get_unverified_header(browser.cookie("access_token"))["kid"] in kids
    assert all("d" not in key for key in response.json()["keys"])


async def test_refresh_rotates_and_old_token_is_refused(
    stack: Stack, browser: Browser, user: dict
) -> None:
    old_refresh = browser.cookie("refresh_token")
    old_access = browser.cookie("access_token")

    refreshed = await browser.post(f"{stack.auth_url}/auth/refresh")
    assert refreshed.status_code == 200
    assert browser.cookie("refresh_token") != old_refresh
    assert browser.cookie("access_token") != old_access

    # Past the grace window the old token counts as stolen.
    await asyncio.sleep(stack.auth_settings.refresh_reuse_grace_seconds + 0.2)
    replay = await browser.client.post(
        f"{stack.auth_url}/auth/refresh",
        headers={
            "Cookie": f"refresh_token={old_refresh}; csrf_token={browser.cookie('csrf_token')}",
            "X-CSRF-Token": browser.cookie("csrf_token"),
        },
    )
    assert replay.status_code == 401
    assert replay.json()["status_code"] == 401


async def test_refresh_reuse_revokes_whole_session(
    stack: Stack, browser: Browser, user: dict
) -> None:
    stolen = browser.cookie("refresh_token")
    csrf = browser.cookie("csrf_token")
    assert (await browser.post(f"{stack.auth_url}/auth/refresh")).status_code == 200
    await asyncio.sleep(stack.auth_settings.refresh_reuse_grace_seconds + 0.2)

    replay = await browser.client.post(
        f"{stack.auth_url}/auth/refresh",
        headers={"Cookie": f"refresh_token={stolen}; csrf_token={csrf}", "X-CSRF-Token": csrf},
    )
    assert replay.status_code == 401
    # The legitimate holder's newer refresh token died with the session.
    assert (await browser.post(f"{stack.auth_url}/auth/refresh")).status_code == 401
    assert (await browser.get(f"{stack.auth_url}/auth/me")).status_code == 401


async def test_concurrent_refresh_within_grace_keeps_user_logged_in(
    stack: Stack, browser: Browser, user: dict
) -> None:
    csrf = browser.cookie("csrf_token")
    refresh = browser.cookie("refresh_token")
    headers = {"Cookie": f"refresh_token={refresh}; csrf_token={csrf}", "X-CSRF-Token": csrf}
    first, second = await asyncio.gather(
        browser.client.post(f"{stack.auth_url}/auth/refresh", headers=headers),
        browser.client.post(f"{stack.auth_url}/auth/refresh", headers=headers),
    )
    assert first.status_code == 200
    assert second.status_code == 200
    assert (await browser.get(f"{stack.auth_url}/auth/me")).status_code == 200


async def test_refresh_without_csrf_header_is_forbidden(
    stack: Stack, browser: Browser, user: dict
) -> None:
    browser.send_csrf = False
    response = await browser.post(f"{stack.auth_url}/auth/refresh")
    assert response.status_code == 403
    assert "X-CSRF-Token" in response.json()["detail"]


async def test_wrong_password_is_401(stack: Stack, browser: Browser) -> None:
    email = new_email()
    await browser.post(
        f"{stack.auth_url}/auth/register", json={"email": email, "password": PASSWORD}
    )
    response = await browser.post(
        f"{stack.auth_url}/auth/login", json={"email": email, "password": "not the password"}
    )
    assert response.status_code == 401
    assert response.json() == {"status_code": 401, "detail": "Invalid email or password"}
    assert "set-cookie" not in response.headers


async def test_unknown_email_gets_same_401_as_wrong_password(
    stack: Stack, browser: Browser
) -> None:
    response = await browser.post(
        f"{stack.auth_url}/auth/login", json={"email": new_email(), "password": PASSWORD}
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid email or password"


async def test_duplicate_email_is_409_ignoring_case(stack: Stack, browser: Browser) -> None:
    email = new_email()
    first = await browser.post(
        f"{stack.auth_url}/auth/register", json={"email": email, "password": PASSWORD}
    )
    again = await browser.post(
        f"{stack.auth_url}/auth/register", json={"email": email.upper(), "password": PASSWORD}
    )
    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json() == {"status_code": 409, "detail": "Email already registered"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"email": "a@example.com"}', "password"),
        ('{"password": "long enough password"}', "email"),
        ('{"email": 5, "password": "long enough password"}', "email"),
        ('{"email": "not-an-email", "password": "long enough password"}', "email"),
        ('{"email": "a@example.com", "password": "short"}', "password"),
        ('{"email": "a@example.com", "password": "' + "x" * 1025 + '"}', "password"),
        ('{"email": "a@example.com", "password": "long enough", "role": "admin"}', "role"),
        ('{"email": "a@example.com", "password": ', ""),
        ("[]", ""),
        ("null", ""),
        ("", ""),
    ],
)
@pytest.mark.parametrize("path", ["/auth/register", "/auth/login"])
async def test_malformed_body_is_422_naming_field(
    stack: Stack, browser: Browser, path: str, body: str, field: str
) -> None:
    response = await browser.post(
        f"{stack.auth_url}{path}", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    payload = response.json()
    assert payload["status_code"] == 422
    assert field in payload["detail"]


async def test_invalid_email_message_is_plain_words(stack: Stack, browser: Browser) -> None:
    response = await browser.post(
        f"{stack.auth_url}/auth/register", json={"email": "not-an-email", "password": PASSWORD}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Invalid request: email: must be an address like name@example.com, without spaces"
    )
