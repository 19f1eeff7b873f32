"""Command line of the local stack: `python -m deploy.local` from the project root."""

from __future__ import annotations

import argparse

from .stack import run_stack

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the stack until Ctrl-C. Returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m deploy.local",
        description=(
            "Run the Revocast services auth (port 8001), orders (8002) and payments (8003) "
            "on 127.0.0.1. PostgreSQL, Redis and Kafka come from REVOCAST_DATABASE_URL, "
            "REVOCAST_REDIS_URL and REVOCAST_KAFKA_BOOTSTRAP_SERVERS when set. Otherwise "
            "the stack starts embedded servers with data and logs in .revocast/stack/."
        ),
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="delete the embedded servers' data from earlier runs before starting",
    )
    arguments = parser.parse_args(argv)
    return run_stack(fresh=arguments.fresh)


if __name__ == "__main__":
    raise SystemExit(main())
