"""Request and response bodies of the auth service."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

__all__ = ["Credentials", "UserOut"]

# Deliberately loose: one "@", no spaces, a dot in the domain. Whether the
# address exists is a question for a confirmation mail, not for a regex.
Email = Annotated[
    str,
    msgspec.Meta(
        min_length=3,
        max_length=254,
        pattern=r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$",
    ),
]
# 8 characters minimum; the 1024 maximum bounds the hashing work one request can cause.
Password = Annotated[str, msgspec.Meta(min_length=8, max_length=1024)]


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    """Body of register and login."""

    email: Email
    password: Password


class UserOut(msgspec.Struct):
    """A user as the API shows it: never a hash or token."""

    id: uuid.UUID
    email: str
    role: str
