"""A task sent to a queue runs on the worker bound to that queue, and only there."""

import json

import pytest
from conftest import DATA_DIR

# Each task's worker is named after the host the task is sent from: all three types there.
pytestmark = pytest.mark.on("worker_core", "worker_ocr", "worker_media")

# (task, kwargs, queue, worker type)
ROUTES = [
    ("core.cleanup", {}, "default", "core"),
    ("ocr.extract_text", {"path": f"{DATA_DIR}/route-probe.png"}, "ocr", "ocr"),
    (
        "media.thumbnail",
        {"path": f"{DATA_DIR}/route-probe.png", "width": 16, "height": 16},
        "media",
        "media",
    ),
]


@pytest.fixture(scope="module", autouse=True)
def probe_image(stack):
    stack.python(
        "from PIL import Image; "
        f"Image.new('RGB', (64, 32), 'white').save('{DATA_DIR}/route-probe.png')"
    )


@pytest.mark.parametrize(("task", "kwargs", "queue", "worker_type"), ROUTES)
def test_the_task_runs_on_the_worker_bound_to_its_queue(stack, task, kwargs, queue, worker_type):
    record = stack.call(task, **kwargs)
    assert record["state"] == "SUCCESS"
    assert record["queue"] == queue
    assert record["worker"] == f"{worker_type}@{stack.hostname}"


def test_each_worker_consumes_only_its_own_queue(stack):
    workers = json.loads(stack.host.check_output("/usr/local/sbin/unibos-worker status --json"))
    queues = {w["type"]: sorted(w["queues"]) for w in workers["workers"]}
    assert queues == {"core": ["default"], "ocr": ["ocr"], "media": ["media"]}
