"""What the scheduler's tests share: a core worker on a Redis database of their own, the
runs `core.drill` recorded, and when the worker finished them."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import redis
from django_celery_beat.models import PeriodicTask
from unibos.core.tasks import DRILL_KEY_PREFIX
from unibos_controller.testbed.workers import WorkerProcess, node_name, start_worker

from tests.beat import wait_for


@contextmanager
def core_worker(client: redis.Redis, redis_db: int, log: Path) -> Iterator[WorkerProcess]:
    worker = start_worker(["--type", "core"], redis_db, log)
    try:
        worker.wait_registered(client, node_name("core"))
        yield worker
    finally:
        worker.stop()


def drill_runs(client: redis.Redis, mark: str) -> list[str]:
    """The ids of the `core.drill` tasks with `mark` that took effect, in order."""
    return client.lrange(f"{DRILL_KEY_PREFIX}{mark}", 0, -1)


def done_at(client: redis.Redis, task_id: str) -> datetime:
    """When the worker finished `task_id`, as Celery's result records it."""
    meta = json.loads(client.get(f"celery-task-meta-{task_id}"))
    return datetime.fromisoformat(meta["date_done"])


def drain(client: redis.Redis, name: str, mark: str) -> PeriodicTask:
    """Once beat has stopped: schedule `name`, after every run it recorded has run."""
    row = PeriodicTask.objects.get(name=name)
    wait_for(
        lambda: len(drill_runs(client, mark)) >= row.total_run_count, "drill for every run sent"
    )
    return row
