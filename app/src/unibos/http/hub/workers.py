"""The hub's view of task distribution: workers, queues and alerts, as the monitor
(unibos.dispatch.monitor) last observed them. Admins and owners only.

An organization sees the shared queues and its own: another organization's tenant
queue (`<slug>-<queue>`) or node queue (`node.<node id>`), and the workers that serve
only such queues, are left out.
"""

import json
import re
from typing import Any

import redis
from django.http import HttpRequest, JsonResponse

from unibos.core.broker import redis_client
from unibos.dispatch import monitor
from unibos.http import openapi
from unibos.http.contract import endpoint
from unibos.http.errors import ApiError
from unibos.http.hub.auth import Caller, authenticated
from unibos.identity.models import Node, Organization

ERRORS = {401: openapi.ERROR, 403: openapi.ERROR, 503: openapi.ERROR}
NODE_QUEUE = re.compile(r"node\.(?P<node>[0-9a-f-]{36})")
RECENT_EVENTS = 100

WORKER = {
    "type": "object",
    "required": ["name", "type", "queues", "state", "seen_at"],
    "properties": {
        "name": {"type": "string"},
        "type": {"type": "string"},
        "queues": {"type": "array", "items": {"type": "string"}},
        "capabilities": {"type": "object"},
        "version": {"type": "string"},
        "state": {"enum": ["online", "offline"]},
        "state_since": {"type": "string", "format": "date-time"},
        "seen_at": {"type": "string", "format": "date-time", "description": "last heartbeat"},
        "first_seen_at": {"type": "string", "format": "date-time"},
    },
}
OBSERVED = {"type": ["string", "null"], "format": "date-time", "description": "null: not yet"}
WORKERS = {
    "type": "object",
    "required": ["observed_at", "workers"],
    "properties": {"observed_at": OBSERVED, "workers": {"type": "array", "items": WORKER}},
}
QUEUE = {
    "type": "object",
    "properties": {
        "length": {"type": "integer"},
        "workers": {"type": "array", "items": {"type": "string"}},
        "succeeded": {"type": "integer"},
        "failed": {"type": "integer"},
        "retried": {"type": "integer"},
        "runtime_avg_s": {"type": ["number", "null"]},
        "tasks_per_minute": {"type": ["number", "null"]},
    },
}
QUEUES = {
    "type": "object",
    "required": ["observed_at", "queues"],
    "properties": {
        "observed_at": OBSERVED,
        "queues": {"type": "object", "additionalProperties": QUEUE},
    },
}
ALERT = {
    "type": "object",
    "required": ["kind", "subject", "detail", "raised_at"],
    "properties": {
        "kind": {"enum": ["worker_offline", "queue_backlog", "queue_unserved"]},
        "subject": {"type": "string"},
        "detail": {"type": "string"},
        "raised_at": {"type": "string", "format": "date-time"},
        "event": {"enum": ["raised", "cleared"]},
        "at": {"type": "string", "format": "date-time"},
    },
}
ALERTS = {
    "type": "object",
    "required": ["open", "recent"],
    "properties": {
        "open": {"type": "array", "items": ALERT},
        "recent": {"type": "array", "items": ALERT, "description": "newest first"},
    },
}


def _read(read: Any) -> Any:
    try:
        return read(redis_client())
    except redis.RedisError as error:
        raise ApiError(503, "broker_unavailable", f"Redis: {error}") from None


def _snapshot() -> dict[str, Any]:
    stored = _read(lambda client: client.get(monitor.SNAPSHOT_KEY))
    return json.loads(stored) if stored else {"observed_at": None, "workers": [], "queues": {}}


class Visibility:
    """Which queues the caller's organization may see."""

    def __init__(self, organization: Organization) -> None:
        self.slug = organization.slug
        self.others = set(
            Organization.objects.exclude(pk=organization.pk).values_list("slug", flat=True)
        )
        # The tenant scope of the request: Node.objects holds this organization's only.
        self.own_nodes = {str(pk) for pk in Node.objects.values_list("pk", flat=True)}

    def queue(self, name: str) -> bool:
        node = NODE_QUEUE.fullmatch(name)
        if node:
            return node["node"] in self.own_nodes
        return not any(name.startswith(f"{slug}-") for slug in self.others)

    def worker(self, worker: dict[str, Any]) -> bool:
        return any(self.queue(name) for name in worker["queues"])


def _alert_visible(alert: dict[str, Any], visibility: Visibility, workers: dict[str, Any]) -> bool:
    kind, _, name = alert["subject"].partition(":")
    if kind == "worker":
        return name in workers
    return visibility.queue(name)


@openapi.operation(
    summary="Workers: online ones and those that stopped beating (admin or owner)",
    auth="bearer",
    responses={200: WORKERS, **ERRORS},
)
@endpoint("GET")
@authenticated()
def workers(request: HttpRequest, caller: Caller) -> JsonResponse:
    caller.require("admin")
    snapshot, visibility = _snapshot(), Visibility(caller.organization)
    listed = [worker for worker in snapshot["workers"] if visibility.worker(worker)]
    return JsonResponse({"observed_at": snapshot["observed_at"], "workers": listed})


@openapi.operation(
    summary="Queues: length, workers, runs, failures, run time, rate (admin or owner)",
    auth="bearer",
    responses={200: QUEUES, **ERRORS},
)
@endpoint("GET")
@authenticated()
def queues(request: HttpRequest, caller: Caller) -> JsonResponse:
    caller.require("admin")
    snapshot, visibility = _snapshot(), Visibility(caller.organization)
    listed = {name: queue for name, queue in snapshot["queues"].items() if visibility.queue(name)}
    return JsonResponse({"observed_at": snapshot["observed_at"], "queues": listed})


@openapi.operation(
    summary="Alerts: the open ones, and the latest raise and clear events (admin or owner)",
    auth="bearer",
    responses={200: ALERTS, **ERRORS},
)
@endpoint("GET")
@authenticated()
def alerts(request: HttpRequest, caller: Caller) -> JsonResponse:
    caller.require("admin")
    visibility = Visibility(caller.organization)
    snapshot = _snapshot()
    seen = {worker["name"]: worker for worker in snapshot["workers"] if visibility.worker(worker)}
    open_now = _read(lambda client: client.hvals(monitor.OPEN_KEY))
    recent = _read(lambda client: client.lrange(monitor.EVENTS_KEY, 0, RECENT_EVENTS - 1))
    return JsonResponse(
        {
            "open": sorted(
                (a for a in map(json.loads, open_now) if _alert_visible(a, visibility, seen)),
                key=lambda alert: alert["raised_at"],
            ),
            "recent": [a for a in map(json.loads, recent) if _alert_visible(a, visibility, seen)],
        }
    )
