"""A node-only task goes to its origin node's queue and nowhere else: published there it
runs on that node's worker, never on a hub worker; asked for any other queue, `submit`
refuses with PrivacyError before anything reaches Redis."""

import json
import uuid

import pytest
from django.test import override_settings
from PIL import Image
from unibos.core.broker import queue_lengths
from unibos.dispatch.privacy import PrivacyError
from unibos.dispatch.submit import submit
from unibos_controller.testbed.workers import WorkerProcess, node_name, worker_environment

from tests.dispatch.publisher import publish

DB = 14
# An inventory rule of the kind an operator writes: it makes a media task node-only.
RULES = [{"pattern": "media.thumbnail", "queue": "media", "privacy": "node"}]
RULES_ENV = {"UNIBOS_TASK_RULES": json.dumps(RULES)}
NODE, ELSEWHERE = str(uuid.uuid4()), str(uuid.uuid4())
HUB_WORKER, NODE_WORKER = node_name("default-media"), node_name("media")


@pytest.fixture
def photo(data_dir) -> str:
    Image.new("RGB", (300, 200), "green").save(data_dir / "camera.jpg")
    return "camera.jpg"


@pytest.fixture
def node_only():
    with override_settings(UNIBOS_TASK_RULES=RULES):
        yield


def waiting(client, *queues: str) -> dict[str, int]:
    return queue_lengths(client, queues)


@pytest.mark.parametrize(
    ("origin", "queue", "message"),
    [
        (NODE, "media", f"may only go to queue 'node.{NODE}' of its origin node, not to 'media'"),
        (NODE, f"node.{ELSEWHERE}", f"not to 'node.{ELSEWHERE}'"),
        (None, "media", "was published without an origin node"),
        (None, None, "was published without an origin node"),
    ],
    ids=["hub-queue", "other-node", "no-origin-hub-queue", "no-origin"],
)
def test_publishing_a_node_only_task_elsewhere_is_refused_before_redis(
    node_only, redis_db, origin, queue, message
):
    before = waiting(redis_db, "media", f"node.{ELSEWHERE}")

    with pytest.raises(PrivacyError) as refused:
        submit("media.thumbnail", kwargs={"path": "x.jpg"}, origin=origin, queue=queue)

    assert str(refused.value).startswith("task media.thumbnail is node-only under rule ")
    assert "'media.thumbnail' (UNIBOS_TASK_RULES[0])" in str(refused.value)
    assert message in str(refused.value)
    assert waiting(redis_db, "media", f"node.{ELSEWHERE}") == before


def test_a_node_only_task_runs_on_its_nodes_worker_and_never_on_the_hubs(
    redis_server, tmp_path, photo
):
    client = redis_server.client(db=DB)
    client.flushdb()
    task = {"kwargs": {"path": photo, "width": 32, "height": 32}}
    hub = WorkerProcess(
        ["--queues", "default,media"],
        worker_environment(UNIBOS_REDIS_DB=str(DB), **RULES_ENV),
        tmp_path / "hub.log",
    ).start()
    node = WorkerProcess(
        ["--type", "media"],
        worker_environment(UNIBOS_REDIS_DB=str(DB), UNIBOS_NODE_ID=NODE, **RULES_ENV),
        tmp_path / "node.log",
    ).start()
    try:
        hub_record = hub.wait_registered(client, HUB_WORKER)
        node_record = node.wait_registered(client, NODE_WORKER)
        ran = [publish(DB, "media.thumbnail", RULES_ENV, origin=NODE, **task) for _ in range(3)]
        # Another node's task: no worker here may take it, so it waits in that node's queue.
        stranded = publish(DB, "media.thumbnail", RULES_ENV, wait=False, origin=ELSEWHERE, **task)
        # A task every worker may run, done after the stranded one was published.
        shared = publish(DB, "media.resize", RULES_ENV, kwargs={"path": photo, "width": 16})
        left = waiting(client, f"node.{ELSEWHERE}")
    finally:
        assert hub.stop() == 0, hub.output()
        assert node.stop() == 0, node.output()

    assert hub_record["queues"] == ["default", "media"]
    assert node_record["queues"] == ["media", f"node.{NODE}"]
    assert {(run["worker"], run["queue"], run["state"]) for run in ran} == {
        (NODE_WORKER, f"node.{NODE}", "SUCCESS")
    }
    # Both workers log each task they receive.
    assert shared["id"] in hub.output() + node.output()
    assert stranded["id"] not in hub.output() + node.output()
    assert shared["state"] == "SUCCESS"
    assert left == {f"node.{ELSEWHERE}": 1}
