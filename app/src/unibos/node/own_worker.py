"""The node's own queue as its broker sees it: which live workers serve it and how many
tasks wait there (`unibos status`)."""

from typing import Any

import redis

from unibos.core import registry
from unibos.core.broker import queue_lengths, redis_client
from unibos.queues import node_queue


def describe(node_id: str) -> dict[str, Any]:
    """`{"queue", "workers", "waiting", "error"}`; an unreadable broker is reported in
    `error` (workers and waiting then null), not raised: status must still print."""
    queue = node_queue(node_id)
    try:
        with redis_client() as client:
            workers = registry.workers_by_queue(registry.live_workers(client), [queue])[queue]
            waiting = queue_lengths(client, [queue])[queue]
    except redis.RedisError as error:
        return {
            "queue": queue,
            "workers": None,
            "waiting": None,
            "error": f"cannot read Redis: {error}",
        }
    return {"queue": queue, "workers": workers, "waiting": waiting, "error": None}


def summary(tasks: dict[str, Any]) -> str:
    """One line of text for `describe`'s document."""
    if tasks["error"] is not None:
        return f"{tasks['queue']}: unknown ({tasks['error']})"
    served = f"served by {', '.join(tasks['workers'])}" if tasks["workers"] else "no live worker"
    return f"{tasks['queue']}: {served}, {tasks['waiting']} waiting"
