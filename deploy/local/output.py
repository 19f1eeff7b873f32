"""Terminal output of the stack runner: one line per message, prefixed with its source."""

from __future__ import annotations

import sys
import threading

__all__ = ["PREFIX_WIDTH", "print_block", "print_line"]

# Width of the source column, enough for the longest service name.
PREFIX_WIDTH = 8

_lock = threading.Lock()


def print_line(source: str, text: str) -> None:
    """Print `text` as `source | text`, one prefixed line per line of text.

    Service output threads and the main thread share stdout, so a lock keeps lines whole.
    """
    with _lock:
        for line in text.splitlines() or [""]:
            sys.stdout.write(f"{source:<{PREFIX_WIDTH}}| {line}\n")
        sys.stdout.flush()


def print_block(text: str) -> None:
    """Print `text` without a prefix, as one block."""
    with _lock:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
