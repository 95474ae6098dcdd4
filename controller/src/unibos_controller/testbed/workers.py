"""`unibos-worker start` (and a node's `unibos worker`) in a subprocess, as systemd runs it."""

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import redis

from unibos_controller.testbed.waiting import WaitTimeout, wait_until

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
        """The worker's registry record, once it has registered; fails with its output
        if it exits or does not register in time."""
        process = self.process
        assert process is not None

        def registered() -> str | None:
            if process.poll() is not None:
                raise AssertionError(
                    f"worker {name} exited (rc={process.returncode}) before registering; "
                    f"its output:\n{self.output()}"
                )
            return client.get(f"unibos:workers:{name}")

        try:
            value = wait_until(
                registered, REGISTER_TIMEOUT_SECONDS, f"worker {name} registering", interval=0.1
            )
        except WaitTimeout as error:
            raise AssertionError(f"{error}; its output:\n{self.output()}") from error
        return json.loads(value)

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
