"""Per-queue task counters, which the monitor turns into rates: runs, failures, retries
and run time.

The worker that ran a task counts it in its broker's Redis (`unibos:stats:<queue>`),
where the hub's monitor reads every worker's counts at once. A counter that cannot be
written is a warning, never a failed task.
"""

import logging
import time
from typing import Any

import redis
from celery import Task
from celery.signals import task_postrun, task_prerun

from unibos.core.broker import process_client

logger = logging.getLogger(__name__)

KEY_PREFIX = "unibos:stats:"
FIELD_BY_STATE = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried"}

_started: dict[str, float] = {}


def key(queue: str) -> str:
    return f"{KEY_PREFIX}{queue}"


def counters(client: redis.Redis, queues: list[str]) -> dict[str, dict[str, float]]:
    """Each queue's counters since they began: succeeded, failed, retried, runtime_s."""
    with client.pipeline(transaction=False) as pipe:
        for queue in queues:
            pipe.hgetall(key(queue))
        found = pipe.execute()
    return {
        queue: {field: float(value) for field, value in values.items()}
        for queue, values in zip(queues, found, strict=True)
    }


@task_prerun.connect
def _start(task_id: str, **kwargs: Any) -> None:
    _started[task_id] = time.monotonic()


@task_postrun.connect
def _count(task_id: str, task: Task, state: str | None = None, **kwargs: Any) -> None:
    started = _started.pop(task_id, None)
    field = FIELD_BY_STATE.get(state or "")
    queue = (task.request.delivery_info or {}).get("routing_key")
    if field is None or not queue:
        return
    try:
        with process_client().pipeline(transaction=False) as pipe:
            pipe.hincrby(key(queue), field, 1)
            if started is not None:
                pipe.hincrbyfloat(key(queue), "runtime_s", time.monotonic() - started)
            pipe.execute()
    except redis.RedisError as error:
        logger.warning("could not count task %s on queue %s: %s", task_id, queue, error)
