"""The roles deploy a worker per type of `unibos_worker_types` (roles/unibos) on the
queue it names; the app routes tasks by unibos.queues. The two must name the same types
and queues, or a worker would consume a queue no task is routed to."""

from pathlib import Path

import yaml
from unibos.queues import GPU_QUEUE_BY_QUEUE, QUEUE_BY_WORKER_TYPE

DEFAULTS = Path(__file__).resolve().parents[2] / "roles" / "unibos" / "defaults" / "main.yml"


def worker_types() -> dict[str, dict]:
    return yaml.safe_load(DEFAULTS.read_text())["unibos_worker_types"]


def test_every_worker_type_of_the_roles_consumes_the_queue_the_app_gives_it():
    queues = {name: kind["queue"] for name, kind in worker_types().items()}
    assert queues == QUEUE_BY_WORKER_TYPE


def test_the_gpu_queues_of_the_roles_are_the_apps():
    gpu_queues = {
        kind["queue"]: kind["gpu_queue"] for kind in worker_types().values() if "gpu_queue" in kind
    }
    assert gpu_queues == GPU_QUEUE_BY_QUEUE
