"""Dead letters: tasks that failed for good, kept in Redis to list, re-run or discard.

Redis has no dead-letter queue, so a task that exhausted its retries, or that a worker
refused to run, would be gone with its arguments. Each is recorded as
`unibos:dead:<task_id>` (its name, arguments, headers and error) and indexed by time
in the sorted set `unibos:dead`. An entry stays until an operator re-runs or discards
it (`unibos-worker tasks rerun|discard ID`).
"""

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import redis
from kombu.utils.json import dumps, loads

from unibos.core import registry
from unibos.dispatch.submit import (
    ORGANIZATION_HEADER,
    ORIGIN_HEADER,
    SIZE_HEADER,
    submit,
)

INDEX_KEY = "unibos:dead"
KEY_PREFIX = "unibos:dead:"

Reason = Literal["failed", "privacy"]


class UnknownDeadLetter(LookupError):
    """No dead letter has this task id; the message names it."""


@dataclass(frozen=True)
class DeadLetter:
    id: str
    name: str
    args: list[Any]
    kwargs: dict[str, Any]
    queue: str | None
    headers: dict[str, Any]
    error: str
    traceback: str | None
    # None where the worker no longer knew the delivery (a child killed at the time limit).
    retries: int | None
    worker: str | None
    reason: Reason
    failed_at: str = field(default_factory=registry.now)


def key(task_id: str) -> str:
    return f"{KEY_PREFIX}{task_id}"


def record(client: redis.Redis, letter: DeadLetter, score: float | None = None) -> None:
    """Keep `letter`; `score` (seconds since the epoch) orders the list, now by default."""
    with client.pipeline(transaction=True) as pipe:
        pipe.set(key(letter.id), dumps(asdict(letter)))
        pipe.zadd(INDEX_KEY, {letter.id: time.time() if score is None else score})
        pipe.execute()


def count(client: redis.Redis) -> int:
    return client.zcard(INDEX_KEY)


def newest(client: redis.Redis, limit: int) -> list[DeadLetter]:
    """Up to `limit` dead letters, the latest failure first."""
    ids = client.zrevrange(INDEX_KEY, 0, limit - 1)
    values = client.mget([key(task_id) for task_id in ids]) if ids else []
    # An entry re-run or discarded between the two reads is no longer dead.
    return [DeadLetter(**loads(value)) for value in values if value is not None]


def discard(client: redis.Redis, task_id: str) -> DeadLetter:
    """Remove the dead letter of `task_id` for good and return it."""
    letter, _score = _take(client, task_id)
    return letter


def rerun(client: redis.Redis, task_id: str) -> str:
    """Publish the dead task again through `submit`, routed afresh; its new task id.

    The entry is taken out first, in one transaction, so that two operators re-running
    the same id publish it once; it is put back if the publish fails.
    """
    letter, score = _take(client, task_id)
    try:
        result = submit(
            letter.name,
            args=letter.args,
            kwargs=letter.kwargs,
            origin=letter.headers.get(ORIGIN_HEADER),
            organization=letter.headers.get(ORGANIZATION_HEADER),
            size_mb=letter.headers.get(SIZE_HEADER),
        )
    except Exception:
        record(client, letter, score)
        raise
    return result.id


def _take(client: redis.Redis, task_id: str) -> tuple[DeadLetter, float]:
    with client.pipeline(transaction=True) as pipe:
        pipe.get(key(task_id))
        pipe.zscore(INDEX_KEY, task_id)
        pipe.delete(key(task_id))
        pipe.zrem(INDEX_KEY, task_id)
        value, score, _deleted, _removed = pipe.execute()
    if value is None:
        raise UnknownDeadLetter(f"no dead letter has task id {task_id}")
    return DeadLetter(**loads(value)), score if score is not None else time.time()
