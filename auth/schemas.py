"""Request and response bodies of the auth service."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

import msgspec

__all__ = ["Credentials", "UserOut"]

# Deliberately loose: one "@", no spaces or control characters, a dot in the
# domain. Whether the address exists is a question for a confirmation mail,
# not for a regex. Checked in __post_init__, because msgspec would quote the
# pattern to the client.
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+")
EMAIL_RULE = "must be an address like name@example.com, without spaces"
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
# 8 characters minimum; the 1024 maximum bounds the hashing work one request can cause.
Password = Annotated[str, msgspec.Meta(min_length=8, max_length=1024)]


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    """Body of register and login."""

    email: Email
    password: Password

    def __post_init__(self) -> None:
        """Check the email format; msgspec turns the ValueError into a 422 naming the field."""
        if _EMAIL.fullmatch(self.email) is None:
            raise ValueError(f"email: {EMAIL_RULE}")


class UserOut(msgspec.Struct):
    """A user as the API shows it: never a hash or token."""

    id: uuid.UUID
    email: str
    role: str
