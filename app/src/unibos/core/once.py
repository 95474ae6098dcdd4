"""Idempotency by task id: a task that completed is not run again when redelivered.

With late acknowledgement a task is acknowledged after it ran, so a worker that dies
between the two leaves a completed task to be delivered again. Its done-mark,
`unibos:done:<task_id>` holding the result, lets the next delivery return that result
instead of repeating the side effects.
"""

from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings
from kombu.utils.json import dumps, loads

KEY_PREFIX = "unibos:done:"


@dataclass(frozen=True)
class Done:
    """A completed task: what it returned."""

    result: Any


def key(task_id: str) -> str:
    return f"{KEY_PREFIX}{task_id}"


def completed(client: redis.Redis, task_id: str) -> Done | None:
    """The completion of `task_id`, or None when it has not completed."""
    value = client.get(key(task_id))
    return None if value is None else Done(loads(value)["result"])


def mark(client: redis.Redis, task_id: str, result: Any) -> None:
    """Record that `task_id` completed with `result`.

    `client` may be a transaction pipeline, so that a task writes its side effect and
    its mark at once and no redelivery can find the one without the other.
    """
    client.set(key(task_id), dumps({"result": result}), ex=_ttl_seconds())


def _ttl_seconds() -> int:
    # A redelivery comes at most one visibility timeout (and one restore sweep, a tenth
    # of it) after the delivery it repeats; twice the timeout outlives every one.
    return 2 * settings.UNIBOS_TASK_VISIBILITY_TIMEOUT
