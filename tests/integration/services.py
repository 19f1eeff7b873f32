"""Auth, orders and payments served by uvicorn inside the test process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from litestar import Litestar

from deploy.local.servers import free_port

__all__ = ["RunningService", "start_service"]

_READY_TIMEOUT_SECONDS = 60.0


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to pytest."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class RunningService:
    name: str
    url: str
    app: Litestar
    server: uvicorn.Server
    task: asyncio.Task[None]

    async def stop(self) -> None:
        self.server.should_exit = True
        await asyncio.wait_for(self.task, 30)


async def start_service(name: str, app: Litestar, *, wait_ready: bool = True) -> RunningService:
    """Serve ``app`` on a free loopback port and wait until ``/readyz`` returns 200.

    With ``wait_ready=False``, wait only for ``/healthz``: for services whose
    dependencies are down on purpose.
    """
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, lifespan="on", access_log=False
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(), name=f"uvicorn:{name}")
    service = RunningService(
        name=name, url=f"http://127.0.0.1:{port}", app=app, server=server, task=task
    )
    await _wait_until_ok(service, "/readyz" if wait_ready else "/healthz")
    return service


async def _wait_until_ok(service: RunningService, path: str) -> None:
    deadline = asyncio.get_running_loop().time() + _READY_TIMEOUT_SECONDS
    last = "no answer"
    async with httpx.AsyncClient(base_url=service.url, timeout=2) as client:
        while asyncio.get_running_loop().time() < deadline:
            if service.task.done():
                service.task.result()  # raises the start-up error
                raise RuntimeError(f"{service.name} stopped during start-up")
            try:
                response = await client.get(path)
                if response.status_code == 200:
                    return
                last = response.text
            except httpx.TransportError as exc:
                last = repr(exc)
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{service.name}: {path} not 200 after {_READY_TIMEOUT_SECONDS} s: {last}")


def write_signing_key(path: Path) -> Path:
    from auth.cli import main

    if main(["generate-key", str(path)]) != 0:
        raise RuntimeError(f"cannot write a signing key to {path}")
    return path
