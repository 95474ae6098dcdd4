"""`unibos-worker start` (and a node's `unibos worker`) in a subprocess, as systemd runs it."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis

UNIBOS_WORKER = str(Path(sys.executable).with_name("unibos-worker"))
UNIBOS = str(Path(sys.executable).with_name("unibos"))
REGISTER_TIMEOUT_SECONDS = 30


def node_name(worker_type: str) -> str:
    return f"{worker_type}@{socket.gethostname()}"


class WorkerProcess:
    """`unibos-worker start ARGS`, or with `command` another one (the node's `unibos worker`)."""

    def __init__(
        self,
        args: list[str],
        env: dict[str, str],
        log: Path,
        command: tuple[str, ...] = (UNIBOS_WORKER, "start"),
    ) -> None:
        self.command = command
        self.args = args
        self.env = env
        self.log_path = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "WorkerProcess":
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [*self.command, *self.args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_registered(self, client: redis.Redis, name: str) -> dict:
        assert self.process is not None
        deadline = time.monotonic() + REGISTER_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            value = client.get(f"unibos:workers:{name}")
            if value is not None:
                return json.loads(value)
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"worker {name} did not register; its output:\n{self.output()}")

    def stop(self, timeout: float = 60) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_worker(args: list[str], redis_db: int, log: Path) -> WorkerProcess:
    """A worker of its own on Redis database `redis_db`, apart from the session's."""
    return WorkerProcess(args, worker_environment(UNIBOS_REDIS_DB=str(redis_db)), log).start()


def worker_environment(**overrides: str) -> dict[str, str]:
    """This session's environment as a worker host's unit would have it."""
    env = {
        **os.environ,
        "UNIBOS_DEPLOYMENT_TYPE": "worker",
        "UNIBOS_WORKER_HEARTBEAT_INTERVAL": "1",
        "UNIBOS_WORKER_CONCURRENCY": "1",
    }
    env.update(overrides)
    return env


def sentinel_environment(sentinels: str, **overrides: str) -> dict[str, str]:
    """A worker host's environment with Redis through Sentinel: no UNIBOS_REDIS_HOST/PORT."""
    env = worker_environment(UNIBOS_REDIS_SENTINELS=sentinels, **overrides)
    del env["UNIBOS_REDIS_HOST"], env["UNIBOS_REDIS_PORT"]
    return env
