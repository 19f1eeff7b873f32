"""Unprivileged account for server binaries that do not permit running as root (PostgreSQL)."""

from __future__ import annotations

import os
import pwd
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .process import ServerStartError

__all__ = ["ServerAccount", "server_account"]

# Tried in order. The `postgres` account exists where a system PostgreSQL is installed,
# and `nobody` exists on nearly every Linux system.
_CANDIDATE_USERS = ("postgres", "nobody")


@dataclass(frozen=True)
class ServerAccount:
    """User and group that a server process runs as."""

    name: str
    uid: int
    gid: int

    def popen_options(self) -> dict[str, Any]:
        """Return `subprocess.Popen` arguments that switch to this account.

        `extra_groups=[]` drops root's supplementary groups.
        """
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def chown_tree(self, path: Path) -> None:
        """Give this account ownership of `path` and everything below it."""
        os.chown(path, self.uid, self.gid)
        for root, dirs, files in os.walk(path):
            for name in dirs + files:
                os.chown(os.path.join(root, name), self.uid, self.gid, follow_symlinks=False)

    def can_search(self, directory: Path) -> bool:
        """Return whether this account may traverse `directory` (the execute bit)."""
        info = directory.stat()
        if info.st_uid == self.uid:
            return bool(info.st_mode & stat.S_IXUSR)
        if info.st_gid == self.gid:
            return bool(info.st_mode & stat.S_IXGRP)
        return bool(info.st_mode & stat.S_IXOTH)

    def first_blocked_parent(self, path: Path) -> Path | None:
        """Return the first folder on the way to `path` that this account cannot traverse."""
        for directory in reversed(path.absolute().parents):
            if not self.can_search(directory):
                return directory
        return None


def server_account() -> ServerAccount | None:
    """Return the account to run PostgreSQL as, or None when this process is not root.

    Raises ServerStartError when running as root and none of the candidate users exists.
    """
    if os.geteuid() != 0:
        return None
    for name in _CANDIDATE_USERS:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return ServerAccount(name=name, uid=entry.pw_uid, gid=entry.pw_gid)
    raise ServerStartError(
        "PostgreSQL does not permit running as root, and neither a 'postgres' nor a 'nobody' user "
        "exists to run it as. Create one of them or run as a normal user."
    )
