"""Where a task goes: the Celery router (`CELERY_TASK_ROUTES`), on `unibos.routing`.

Celery calls `route_task` on every publish, so a decision reads no Redis: the live
workers and the GPU queues' lengths come from a view refreshed at most every
UNIBOS_ROUTING_CACHE_SECONDS, and a task with a single candidate queue needs none.
"""

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import redis
from django.conf import settings
from kombu import Queue

from unibos.core import registry
from unibos.core.broker import queue_lengths, redis_client
from unibos.dispatch import privacy
from unibos.dispatch.rules import TaskRule, rule_for
from unibos.dispatch.submit import ORGANIZATION_HEADER, ORIGIN_HEADER, SIZE_HEADER
from unibos.queues import GPU_QUEUE_BY_QUEUE, is_node_queue, node_queue, tenant_queue
from unibos.routing.router import Router
from unibos.routing.table import PriorityTable, Target

logger = logging.getLogger(__name__)

# The order candidates are tried in: the origin node's own workers, the organization's
# dedicated ones (GPU first), then the shared GPU and CPU queues.
NODE, TENANT_GPU, TENANT, GPU, CPU = 1, 2, 3, 4, 5


class TooLarge(Exception):
    """A task's input is larger than its rule's `max_size_mb`."""


class Misrouted(Exception):
    """An explicit queue that the task's rule forbids (a node queue for a hub task)."""


@dataclass(frozen=True)
class LiveView:
    """What the router knows of the workers: the queues a live worker consumes, and
    how many tasks wait in each of those that is a GPU queue."""

    consumed: frozenset[str] = frozenset()
    lengths: Mapping[str, int] = field(default_factory=dict)


class _Served:
    """The router's Health (unibos.routing.router): a queue is available when a live
    worker consumes it (a GPU queue only while it is short enough); the CPU queue always
    is, so a task waits there for a worker rather than failing to publish."""

    # No latency is measured: the policy is the operator's priority order.
    latency: Mapping[str, float] = MappingProxyType({})

    def __init__(self, view: LiveView, gpu_max_length: int) -> None:
        self.view, self.gpu_max_length = view, gpu_max_length

    def available(self, target: Target) -> bool:
        if target.priority == CPU:
            return True
        if target.name not in self.view.consumed:
            return False
        if target.priority in (GPU, TENANT_GPU):
            return self.view.lengths.get(target.name, 0) < self.gpu_max_length
        return True


@lru_cache(maxsize=1024)
def _table(queue: str, gpu: bool, node: str | None, organization: str | None) -> PriorityTable:
    # Tables are immutable and few (rules x organizations x nodes), so each is built once.
    gpu_queue = GPU_QUEUE_BY_QUEUE[queue] if gpu else None
    targets = [Target(queue, priority=CPU)]
    if gpu_queue:
        targets.append(Target(gpu_queue, priority=GPU))
    if organization:
        targets.append(Target(tenant_queue(organization, queue), priority=TENANT))
        if gpu_queue:
            targets.append(Target(tenant_queue(organization, gpu_queue), priority=TENANT_GPU))
    if node:
        targets.append(Target(node_queue(node), priority=NODE, local=True))
    return PriorityTable(targets)


def decide(
    task_name: str,
    headers: Mapping[str, Any],
    queue: str | None,
    view: Callable[[], LiveView],
) -> str:
    """The queue for task `task_name`; `queue` is the one the caller asked for, if any.

    `view` is called only when the choice depends on the live workers.
    """
    rule = rule_for(task_name)
    origin = headers.get(ORIGIN_HEADER) or None
    if privacy.node_bound(rule):
        return privacy.allowed_queue(task_name, rule, origin, queue)
    _check_size(task_name, rule, headers.get(SIZE_HEADER))
    if queue is not None:
        if rule.locality == "hub" and is_node_queue(queue):
            raise Misrouted(
                f"task {task_name} runs on hubs only under {rule.describe()}, "
                f"not on node queue {queue!r}"
            )
        return queue
    table = _table(
        rule.queue,
        rule.prefer == "gpu",
        origin if rule.locality == "local" else None,
        headers.get(ORGANIZATION_HEADER) or None,
    )
    if len(table) == 1:
        return rule.queue
    return Router(table, _Served(view(), settings.UNIBOS_GPU_QUEUE_MAX_LENGTH)).route().name


def _check_size(task_name: str, rule: TaskRule, size_mb: Any) -> None:
    if rule.max_size_mb is not None and size_mb is not None and size_mb > rule.max_size_mb:
        raise TooLarge(
            f"task {task_name} has {size_mb} MB of input, over the {rule.max_size_mb} MB "
            f"limit of {rule.describe()}"
        )


class CachedView:
    """The live view, read again once UNIBOS_ROUTING_CACHE_SECONDS have passed."""

    def __init__(self) -> None:
        self.read_at = float("-inf")
        self.view = LiveView()

    def __call__(self) -> LiveView:
        now = time.monotonic()
        if now - self.read_at >= settings.UNIBOS_ROUTING_CACHE_SECONDS:
            self.view, self.read_at = _read_view(), now
        return self.view


live_view = CachedView()


def _read_view() -> LiveView:
    try:
        with redis_client() as client:
            workers = registry.live_workers(client)
            consumed = frozenset(queue for worker in workers for queue in worker.queues)
            gpu_queues = [queue for queue in consumed if queue.endswith("-gpu")]
            lengths = queue_lengths(client, gpu_queues) if gpu_queues else {}
        return LiveView(consumed, lengths)
    except redis.RedisError as error:
        # Routing then picks each task's CPU queue, which is never wrong, only slower;
        # the publish itself succeeds or fails on the broker connection's own terms.
        logger.warning("routing without the worker registry, unreadable: %s", error)
        return LiveView()


def route_task(
    name: str,
    args: Any,
    kwargs: Any,
    options: Mapping[str, Any],
    task: Any = None,
    **kw: Any,
) -> dict[str, str]:
    """The Celery router: `{"queue": ...}` for every publish (docs/architecture.md)."""
    # Celery has already replaced a queue name in the options by its kombu Queue.
    asked = options.get("queue")
    queue = asked.name if isinstance(asked, Queue) else asked
    return {"queue": decide(name, options.get("headers") or {}, queue, live_view)}
