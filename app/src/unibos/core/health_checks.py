"""The components of GET /api/health, each checked for real: a query, a PING, the registry."""

import json
import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.db import connection

from unibos import __version__
from unibos.core import registry
from unibos.core.broker import redis_client

LAST_CHECK_KEY = "unibos:health:last_check"

Component = dict[str, Any]


def _timed(probe: Callable[[], object]) -> Component:
    started = time.perf_counter()
    probe()
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def _failing(error: Exception) -> Component:
    return {"status": "failing", "error": f"{type(error).__name__}: {error}".strip()}


def check_database() -> Component:
    def query() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    try:
        return _timed(query)
    # A health probe reports whatever stops the query; the driver's errors vary.
    except Exception as error:
        return _failing(error)


def check_broker(client: redis.Redis) -> Component:
    try:
        return _timed(client.ping)
    except redis.RedisError as error:
        return _failing(error)


def check_queues(client: redis.Redis, queues: list[str]) -> dict[str, Component]:
    try:
        consumers = registry.workers_by_queue(registry.live_workers(client), queues)
    except redis.RedisError as error:
        return {f"queue:{queue}": {**_failing(error), "workers": []} for queue in queues}
    components = {}
    for queue, workers in consumers.items():
        component: Component = {"status": "ok" if workers else "failing", "workers": workers}
        if not workers:
            component["error"] = f"no live worker consumes queue {queue}"
        components[f"queue:{queue}"] = component
    return components


def last_health_check(client: redis.Redis) -> dict[str, Any]:
    """When beat's core.health_check last ran, and on which worker."""
    try:
        stored = client.get(LAST_CHECK_KEY)
    except redis.RedisError:
        stored = None
    last = json.loads(stored) if stored else {}
    return {"last_run": last.get("last_run"), "worker": last.get("worker")}


def record_last_check(client: redis.Redis, result: dict[str, Any]) -> None:
    client.set(LAST_CHECK_KEY, json.dumps(result))


def _summary(components: dict[str, Component]) -> dict[str, Any]:
    """What /api/health and /api/ready share: the verdict over these components."""
    failing = [name for name, component in components.items() if component["status"] != "ok"]
    return {
        "status": "failing" if failing else "ok",
        "deployment": settings.UNIBOS_DEPLOYMENT_TYPE,
        "components": components,
        "failing": failing,
    }


def service_components(client: redis.Redis) -> dict[str, Component]:
    """What a hub or node needs to answer requests at all: its database and Redis."""
    return {"database": check_database(), "broker": check_broker(client)}


def report() -> dict[str, Any]:
    client = redis_client()
    components = {
        **service_components(client),
        **check_queues(client, settings.UNIBOS_HEALTH_QUEUES),
    }
    return {
        **_summary(components),
        "version": __version__,
        "schedule": {"health_check": last_health_check(client)},
    }


def readiness() -> dict[str, Any]:
    """GET /api/ready: can this instance serve requests? Queues and workers do not count.

    A load balancer sends traffic to every ready hub; a missing worker is not cured by
    taking the hub that noticed it out of service.
    """
    return _summary(service_components(redis_client()))
