"""One-off commands that prepare the servers before the services start: topics and migrations."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass

from .output import print_line
from .settings import PROJECT_ROOT

__all__ = ["SETUP_STEPS", "SetupStep", "SetupStepError", "run_setup_steps"]

# Seconds that one step may take before the stack reports it as failed.
STEP_TIMEOUT = 120


class SetupStepError(RuntimeError):
    """A setup command failed or timed out."""


@dataclass(frozen=True)
class SetupStep:
    """A Python module run as `python -m MODULE` from the project root."""

    description: str
    module: str


SETUP_STEPS = (
    SetupStep("create Kafka topics", "common.kafka.topics"),
    SetupStep("migrate the auth database", "auth.migrations"),
    SetupStep("migrate the orders database", "orders.migrations"),
    SetupStep("migrate the payments database", "payments.migrations"),
)


def _run_step(step: SetupStep, environment: Mapping[str, str]) -> None:
    command = [sys.executable, "-m", step.module]
    started = time.monotonic()
    try:
        result = subprocess.run(
            command,
            env=dict(environment),
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=STEP_TIMEOUT,
            # Keeps the terminal's Ctrl-C away from the step, which is killed on any
            # exception in this process instead.
            start_new_session=True,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise SetupStepError(
            f"Step '{step.description}' (python -m {step.module}) timed out after {STEP_TIMEOUT} s."
        ) from error

    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip() or "(no output)"
        raise SetupStepError(
            f"Step '{step.description}' (python -m {step.module}) failed with exit code "
            f"{result.returncode}. Its output:\n{output}"
        )
    print_line("stack", f"{step.description}: done in {time.monotonic() - started:.1f} s")


def run_setup_steps(environment: Mapping[str, str]) -> None:
    """Run every setup step in order with `environment`, stopping at the first failure.

    Raises SetupStepError that names the failed step and contains its output.
    """
    for step in SETUP_STEPS:
        _run_step(step, environment)
