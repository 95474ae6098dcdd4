"""The one way the app talks to Redis outside Celery: registry, health, last check."""

import redis
from django.conf import settings

# Health answers within a load balancer's probe timeout even when Redis hangs.
TIMEOUT_SECONDS = 2.0


def redis_client() -> redis.Redis:
    config = settings.UNIBOS_REDIS
    return redis.Redis(
        host=config["host"],
        port=config["port"],
        db=config["db"],
        password=config["password"] or None,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
        decode_responses=True,
    )
