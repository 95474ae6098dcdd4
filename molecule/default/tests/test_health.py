"""The hub and the node report every component healthy once the stack is up."""

import pytest
from conftest import HUB_PORT, NODE_PORT, wait_for

QUEUES = ("default", "ocr", "media")


@pytest.mark.on("hub")
def test_the_hub_reports_database_broker_and_every_queue_ok(stack):
    wait_for(lambda: stack.health(HUB_PORT)[0] == 200, 120, "hub health 200")
    status, body = stack.health(HUB_PORT)
    assert status == 200
    assert body["status"] == "ok"
    assert body["deployment"] == "hub"
    assert body["failing"] == []
    expected = {"database", "broker", *(f"queue:{q}" for q in QUEUES)}
    assert expected <= set(body["components"])
    assert all(c["status"] == "ok" for c in body["components"].values())


# Each queue's worker is named after the hub's host: all on one host.
@pytest.mark.on("hub", "worker_core", "worker_ocr", "worker_media")
def test_each_hub_queue_is_served_by_the_worker_of_its_type(stack):
    _, body = stack.health(HUB_PORT)
    name = stack.hostname
    for queue, worker_type in zip(QUEUES, ("core", "ocr", "media"), strict=True):
        assert body["components"][f"queue:{queue}"]["workers"] == [f"{worker_type}@{name}"]


@pytest.mark.on("node")
def test_the_node_reports_its_own_database_and_broker_ok(stack):
    wait_for(lambda: stack.health(NODE_PORT)[0] == 200, 120, "node health 200")
    status, body = stack.health(NODE_PORT)
    assert status == 200
    assert body["deployment"] == "node"
    assert {"database", "broker"} <= set(body["components"])
    assert all(c["status"] == "ok" for c in body["components"].values())
