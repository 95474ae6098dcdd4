"""What a node-bound task may reach: refused at publish, and again at consume.

A task under a privacy `node` rule (camera footage, `cctv.*`) carries data that must
not leave the node it came from. Publishing it anywhere but `node.<origin>` is an
error, never a silent reroute: the caller asked for something the rule forbids. The
consume-time check catches what the publish check cannot see, a message written to a
queue by hand or a worker started on the wrong queue.
"""

from collections.abc import Mapping
from typing import Any

from unibos.dispatch.rules import TaskRule, rule_for
from unibos.dispatch.submit import ORIGIN_HEADER
from unibos.queues import node_queue


class PrivacyError(Exception):
    """A node-bound task published where its rule forbids; names task, queue and rule."""


def node_bound(rule: TaskRule) -> bool:
    return rule.privacy == "node"


def allowed_queue(task_name: str, rule: TaskRule, origin: str | None, queue: str | None) -> str:
    """The one queue a node-bound task may go to; PrivacyError for any other request.

    `queue` is the queue the caller asked for, None when it left the choice to routing.
    """
    if not origin:
        raise PrivacyError(
            f"task {task_name} is node-only under {rule.describe()} and was published "
            f"without an origin node, so it has no queue it may go to"
            + (f" (asked for queue {queue!r})" if queue else "")
        )
    own = node_queue(origin)
    if queue is not None and queue != own:
        raise PrivacyError(
            f"task {task_name} is node-only under {rule.describe()}: it may only go to "
            f"queue {own!r} of its origin node, not to {queue!r}"
        )
    return own


def refusal(task_name: str, headers: Mapping[str, Any], worker_node_id: str | None) -> str | None:
    """Why this worker must not run the task, or None when it may."""
    rule = rule_for(task_name)
    if not node_bound(rule):
        return None
    origin = headers.get(ORIGIN_HEADER)
    if not origin:
        return f"task {task_name} is node-only under {rule.describe()} and carries no origin node"
    if worker_node_id != origin:
        where = f"on node {worker_node_id}" if worker_node_id else "not on a node"
        return (
            f"task {task_name} is node-only under {rule.describe()} for node {origin}, "
            f"and this worker is {where}"
        )
    return None
