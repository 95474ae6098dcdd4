"""The Celery queues and the worker types that consume them (docs/architecture.md)."""

import re
import uuid

QUEUES = ("default", "ocr", "media")

# A worker type names what a host runs (`unibos-worker@<type>`); the queue is what the
# broker knows. `core` serves `default` because core.* tasks are the fallback route.
QUEUE_BY_WORKER_TYPE = {"core": "default", "ocr": "ocr", "media": "media"}

# Only the work a GPU speeds up has a GPU queue; `core` tasks are bookkeeping.
GPU_QUEUE_BY_QUEUE = {"ocr": "ocr-gpu", "media": "media-gpu"}
GPU_QUEUES = tuple(GPU_QUEUE_BY_QUEUE.values())

NODE_QUEUE_PREFIX = "node."
# An organization's slug as unibos.identity writes it: lowercase words joined by '-'.
_TENANT_QUEUE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-(?:" + "|".join(QUEUES + GPU_QUEUES) + ")$")


def node_queue(node_id: str) -> str:
    """The queue only the workers on node `node_id` consume."""
    return f"{NODE_QUEUE_PREFIX}{node_id}"


def is_node_id(value: str) -> bool:
    """A node's enrolment id is a UUID (unibos.identity)."""
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def is_node_queue(queue: str) -> bool:
    return queue.startswith(NODE_QUEUE_PREFIX)


def tenant_queue(organization: str, queue: str) -> str:
    """The queue of `organization`'s dedicated workers for the work `queue` carries."""
    return f"{organization}-{queue}"


def queue_problem(queue: str) -> str | None:
    """Why a worker may not consume `queue`, or None when it names a known kind of queue."""
    if queue in QUEUES or queue in GPU_QUEUES or _TENANT_QUEUE.match(queue):
        return None
    if is_node_queue(queue):
        node_id = queue.removeprefix(NODE_QUEUE_PREFIX)
        if not is_node_id(node_id):
            return f"{queue!r} is a node queue but {node_id!r} is not a node id (a UUID)"
        return None
    return (
        f"{queue!r} is not a queue: use one of {', '.join(QUEUES + GPU_QUEUES)}, "
        f"node.<node id> or <organization>-<queue>"
    )
