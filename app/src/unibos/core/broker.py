"""The one way the app talks to Redis outside Celery: registry, health, last check."""

import functools
from collections.abc import Iterable
from typing import Any

import redis
from django.conf import settings
from kombu.transport.redis import PRIORITY_STEPS, Channel
from redis.sentinel import Sentinel

# Health answers within a load balancer's probe timeout even when Redis hangs.
TIMEOUT_SECONDS = 2.0
# Sentinels answer from the hubs' own network within milliseconds. redis-py asks them in
# turn; a dead one (its host gone: no refusal, only silence) costs this much before the
# next is asked, which must leave the rest of a health check inside TIMEOUT_SECONDS.
SENTINEL_TIMEOUT_SECONDS = 0.5


def redis_client() -> redis.Redis:
    """A client of UNIBOS_REDIS: the Redis server itself, or the master Sentinel names.

    Through Sentinel the client asks a sentinel for the master whenever it opens a
    connection. After a failover the connections to the old master fail (Sentinel
    kills them, or the demoted server refuses writes): the command raises
    redis.ConnectionError once redis-py's retries are spent, which callers already
    handle as any RedisError, and the next command connects to the new master.
    """
    config = settings.UNIBOS_REDIS
    options: dict[str, Any] = {
        "db": config["db"],
        "password": config["password"] or None,
        "socket_connect_timeout": TIMEOUT_SECONDS,
        "socket_timeout": TIMEOUT_SECONDS,
        "decode_responses": True,
    }
    if config.get("sentinels"):
        sentinel = Sentinel(
            config["sentinels"],
            sentinel_kwargs={
                "password": config["password"] or None,
                "socket_connect_timeout": SENTINEL_TIMEOUT_SECONDS,
                "socket_timeout": SENTINEL_TIMEOUT_SECONDS,
            },
        )
        return sentinel.master_for(config["master"], **options)
    return redis.Redis(host=config["host"], port=config["port"], **options)


@functools.cache
def process_client() -> redis.Redis:
    """One client of UNIBOS_REDIS for this process, for code that runs per task (a
    worker's pool child); redis-py gives a forked child connections of its own."""
    return redis_client()


def queue_lengths(client: redis.Redis, queues: Iterable[str]) -> dict[str, int]:
    """Messages waiting in each queue, as kombu's Redis transport keeps them: one list
    per priority step (the queue's own name for the first), counted in one round trip."""
    queues = list(queues)
    with client.pipeline(transaction=False) as pipe:
        for queue in queues:
            for step in PRIORITY_STEPS:
                pipe.llen(f"{queue}{Channel.sep}{step}" if step else queue)
        sizes = pipe.execute()
    per_queue = len(PRIORITY_STEPS)
    return {
        queue: sum(sizes[index * per_queue : (index + 1) * per_queue])
        for index, queue in enumerate(queues)
    }
