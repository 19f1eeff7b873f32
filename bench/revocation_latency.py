"""Measure the time from a logout response until every replica rejects the token.

Run from the project root: .venv/bin/python -m bench.revocation_latency [--rounds N]

Starts embedded PostgreSQL, Valkey and Tansu on free loopback ports, then
auth and R replicas each of orders and payments as separate uvicorn
processes. Each round logs a user in, checks that every replica accepts the
access token, logs out, and polls every replica with the old token until it
returns 401. A round's latency is the time from the logout response to the
last replica's first 401. Everything stops at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx

from deploy.local.keys import ensure_signing_key
from deploy.local.servers import (
    EmbeddedKafka,
    EmbeddedPostgres,
    EmbeddedRedis,
    free_port,
    to_sqlalchemy_url,
)
from deploy.local.setup_steps import run_setup_steps

PASSWORD = "benchmark password 1"
_POLL_TIMEOUT_SECONDS = 10.0


def _start_service(
    stack: ExitStack, factory: str, port: int, environment: dict[str, str], log_dir: Path
) -> None:
    log = (log_dir / f"{factory.split('.')[0]}-{port}.log").open("wb")
    stack.callback(log.close)
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip

    def stop() -> None:
        process.terminate()
        process.wait(timeout=30)

    stack.callback(stop)


async def _wait_ready(client: httpx.AsyncClient, urls: list[str]) -> None:
    deadline = time.monotonic() + 90
    for url in urls:
        while True:
            try:
                if (await client.get(f"{url}/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} not ready after 90 s")
            await asyncio.sleep(0.1)


async def _first_rejection(client: httpx.AsyncClient, url: str, token: str) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + _POLL_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        response = await client.get(url, headers=headers)
        if response.status_code == 401:
            return time.perf_counter()
        await asyncio.sleep(0.001)
    raise RuntimeError(f"{url} still accepts a logged-out token after {_POLL_TIMEOUT_SECONDS} s")


async def _measure(auth: str, targets: list[str], rounds: int) -> list[float]:
    latencies = []
    async with httpx.AsyncClient(timeout=10) as client:
        await _wait_ready(client, [auth, *[t.rsplit("/", 1)[0] for t in targets]])
        email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
        credentials = {"email": email, "password": PASSWORD}
        await client.post(f"{auth}/auth/register", json=credentials)
        for _ in range(rounds):
            login = await client.post(f"{auth}/auth/login", json=credentials)
            token = login.cookies.get("access_token") or _cookie(login, "access_token")
            headers = {"Authorization": f"Bearer {token}"}
            for url in targets:
                if (await client.get(url, headers=headers)).status_code != 200:
                    raise RuntimeError(f"{url} rejected a fresh token")
            logout = await client.post(f"{auth}/auth/logout", headers=headers)
            logged_out = time.perf_counter()
            if logout.status_code != 204:
                raise RuntimeError(f"logout returned {logout.status_code}")
            rejected = await asyncio.gather(
                *(_first_rejection(client, url, token) for url in targets)
            )
            latencies.append((max(rejected) - logged_out) * 1000)
    return latencies


def _cookie(response: httpx.Response, name: str) -> str:
    for header in response.headers.get_list("set-cookie"):
        key, _, rest = header.partition("=")
        if key == name:
            return rest.split(";", 1)[0]
    raise RuntimeError(f"no {name} cookie in the login response")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100, help="logouts to measure")
    parser.add_argument("--replicas", type=int, default=3, help="replicas of orders and payments")
    args = parser.parse_args()

    work_dir = Path(tempfile.mkdtemp(prefix="revocast-bench-"))
    os.chmod(work_dir, 0o755)  # noqa: S103 - embedded PostgreSQL may run as another user
    with ExitStack() as stack:
        servers = [EmbeddedPostgres(work_dir), EmbeddedRedis(work_dir), EmbeddedKafka(work_dir)]
        for server in servers:
            server.start()
            stack.callback(server.stop)
        postgres, redis, kafka = servers
        key_file = work_dir / "keys" / "signing-key.pem"
        ensure_signing_key(key_file)
        auth_port = free_port()
        environment = {
            **os.environ,
            "REVOCAST_DATABASE_URL": to_sqlalchemy_url(postgres.url),
            "REVOCAST_REDIS_URL": redis.url,
            "REVOCAST_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,  # type: ignore[attr-defined]
            "REVOCAST_KAFKA_FETCH_MAX_WAIT_MS": "10",
            "REVOCAST_SIGNING_KEY_FILE": str(key_file),
            "REVOCAST_JWKS_URL": f"http://127.0.0.1:{auth_port}/.well-known/jwks.json",
            "REVOCAST_LOGIN_RATE_LIMIT_PER_MINUTE": "100000",
            "REVOCAST_LOG_LEVEL": "WARNING",
        }
        run_setup_steps(environment)
        log_dir = work_dir / "logs"
        log_dir.mkdir()
        _start_service(stack, "auth.app:create_app", auth_port, environment, log_dir)
        targets = []
        for factory, path in (
            ("orders.app:create_app", "orders"),
            ("payments.app:create_app", "payments"),
        ):
            for _ in range(args.replicas):
                port = free_port()
                _start_service(stack, factory, port, environment, log_dir)
                targets.append(f"http://127.0.0.1:{port}/{path}")
        latencies = asyncio.run(_measure(f"http://127.0.0.1:{auth_port}", targets, args.rounds))

    print(f"{args.rounds} logouts, {args.replicas} replicas each of orders and payments")
    print(f"time until every replica rejects the token: "
          f"p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {_percentile(latencies, 0.95):.1f} ms, "
          f"p99 {_percentile(latencies, 0.99):.1f} ms, "
          f"max {max(latencies):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
