"""Operator commands: revocast-admin promote EMAIL, and revocast-admin generate-key PATH.

promote reads REVOCAST_DATABASE_URL, so run it where the auth service's
database is reachable; with the local stack running, `make admin EMAIL=...`
sets the variable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from auth.models import User
from auth.services.accounts import normalize_email
from common.db import Database
from common.migrations import DATABASE_URL_VARIABLE

__all__ = ["main"]


async def _promote(database_url: str, email: str) -> int:
    database = Database(database_url, pool_size=1)
    try:
        async with database.sessionmaker() as db, db.begin():
            user = await db.scalar(select(User).where(User.email == normalize_email(email)))
            if user is None:
                print(f"no user with email {email}; register it first", file=sys.stderr)
                return 1
            if user.role == "admin":
                print(f"user {user.id} is already an admin")
                return 0
            # NOTE: access tokens issued before the promotion keep role "user"
            # until they are refreshed; that only withholds rights, so no
            # revocation is broadcast here.
            user.role = "admin"
        print(f"user {user.id} is now an admin; it takes effect at the next login or refresh")
        return 0
    finally:
        await database.dispose()


def _generate_key(path: Path) -> int:
    if path.exists():
        print(f"{path} exists; refusing to overwrite a signing key", file=sys.stderr)
        return 1
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(pem)
    print(f"wrote RSA-2048 signing key to {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="revocast-admin", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    promote = commands.add_parser("promote", help="give an existing user the admin role")
    promote.add_argument("email")
    generate = commands.add_parser("generate-key", help="write a new RSA-2048 signing key (PEM)")
    generate.add_argument("path", type=Path)
    args = parser.parse_args(argv)

    if args.command == "generate-key":
        return _generate_key(args.path)
    database_url = os.environ.get(DATABASE_URL_VARIABLE)
    if not database_url:
        print(
            f"{DATABASE_URL_VARIABLE} is not set; set it to the auth database URL, "
            "or start the local stack (`make run`) and use `make admin EMAIL=...`",
            file=sys.stderr,
        )
        return 2
    return asyncio.run(_promote(database_url, args.email))


if __name__ == "__main__":
    raise SystemExit(main())
