"""Reliability drills: real workers and a Celery app on a Redis database of their own.

The session's worker (tests/conftest.py) shares database 0 with every other test; a
drill kills workers and counts side effects, so it runs apart, on DRILL_DB, flushed at
the start of each drill.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from celery import Celery
from celery.result import AsyncResult
from django.conf import settings
from unibos.core.broker import queue_lengths
from unibos.core.tasks import DRILL_KEY_PREFIX
from unibos.settings import base
from unibos_controller.testbed.servers import Redis
from unibos_controller.testbed.waiting import wait_until
from unibos_controller.testbed.workers import WorkerProcess, node_name, worker_environment

T = TypeVar("T")

DRILL_DB = 12
WAIT_SECONDS = 60


class Drill:
    def __init__(self, redis_server: Redis, tmp_path: Path) -> None:
        self.client = redis_server.client(db=DRILL_DB)
        self.client.flushdb()
        url = base.redis_url({**settings.UNIBOS_REDIS, "db": DRILL_DB})
        # The session's Celery settings (queues, routes, priorities), on DRILL_DB. Not
        # the current app, which shared tasks and results without an app resolve to.
        self.app = Celery("unibos-drill", broker=url, backend=url, set_as_current=False)
        self.app.config_from_object("django.conf:settings", namespace="CELERY")
        self.tmp_path = tmp_path
        self.workers: list[WorkerProcess] = []

    def worker(self, *args: str, **env: str) -> WorkerProcess:
        """A `unibos-worker start --type core` on DRILL_DB, registered."""
        process = WorkerProcess(
            ["--type", "core", *args],
            worker_environment(UNIBOS_REDIS_DB=str(DRILL_DB), **env),
            self.tmp_path / f"worker-{len(self.workers)}.log",
        ).start()
        self.workers.append(process)
        process.wait_registered(self.client, node_name("core"))
        return process

    def send(self, name: str, priority: int | None = None, **kwargs: object) -> AsyncResult:
        options = {} if priority is None else {"priority": priority}
        return self.app.send_task(name, kwargs=kwargs, **options)

    def ran(self, mark: str) -> list[str]:
        """The ids of the core.drill tasks with this mark that took effect, in order."""
        return self.client.lrange(f"{DRILL_KEY_PREFIX}{mark}", 0, -1)

    def running(self, count: int) -> list[dict]:
        """Wait until the worker runs `count` tasks; Celery's view of them."""
        # limit: the answer comes as soon as the one worker replies, so it is fresh.
        inspect = self.app.control.inspect(destination=[node_name("core")], timeout=1, limit=1)

        def active() -> list[dict] | None:
            tasks = [task for tasks in (inspect.active() or {}).values() for task in tasks]
            return tasks if len(tasks) >= count else None

        return wait_for(active, f"{count} running tasks")

    def settled(self) -> None:
        """Wait until no task waits in the queue nor is held unacknowledged by a worker."""
        wait_for(
            lambda: (
                queue_lengths(self.client, ["default"])["default"] == 0
                and self.client.hlen("unacked") == 0
            ),
            "an empty queue and no unacknowledged task",
        )

    def logs(self) -> str:
        return "\n".join(worker.output() for worker in self.workers)

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.app.close()


@contextmanager
def drill(redis_server: Redis, tmp_path: Path) -> Iterator[Drill]:
    run = Drill(redis_server, tmp_path)
    try:
        yield run
    finally:
        run.close()


def wait_for(check: Callable[[], T], what: str) -> T:
    return wait_until(check, WAIT_SECONDS, what, interval=0.1)
