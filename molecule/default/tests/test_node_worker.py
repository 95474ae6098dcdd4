"""The node's own worker (unibos-node-worker.service) serves node.<node id> on the node's
Redis: a camera still is taken there, from a recording in the node's data dir, and no
hub worker can be sent one."""

import json

import pytest

NODE_DATA_DIR = "/var/lib/unibos/node/data"
NODE_STATE_DIR = "/var/lib/unibos/node/state"


pytestmark = pytest.mark.on("node")


def node_call(stack, task: str, **kwargs) -> dict:
    cmd = stack.host.run(
        "/usr/local/sbin/unibos call %s --kwargs %s --timeout 120", task, json.dumps(kwargs)
    )
    assert cmd.rc == 0, f"{task} failed on the node (rc={cmd.rc}): {cmd.stdout}{cmd.stderr}"
    return json.loads(cmd.stdout)


def node_status(stack) -> dict:
    return json.loads(stack.host.check_output("/usr/local/sbin/unibos status --json"))


def node_id(stack) -> str:
    return node_status(stack)["node_id"]


def test_the_node_status_shows_its_worker_serving_its_queue(stack):
    tasks = node_status(stack)["tasks"]

    assert tasks["queue"] == f"node.{node_id(stack)}"
    assert tasks["workers"] == [f"node@{stack.hostname}"]
    assert tasks["error"] is None


def test_a_task_sent_on_the_node_runs_on_its_own_worker(stack):
    record = node_call(stack, "core.noop")

    assert record["state"] == "SUCCESS"
    assert record["worker"] == f"node@{stack.hostname}"
    assert record["queue"] == f"node.{node_id(stack)}"


def test_a_camera_still_is_taken_on_the_node_and_stays_in_its_data_dir(stack):
    recording = f"{NODE_DATA_DIR}/porch.mkv"
    stack.host.check_output(
        "ffmpeg -v error -y -f lavfi -i testsrc=duration=3:size=320x240:rate=10 "
        f"-c:v mpeg4 {recording}"
    )

    record = node_call(stack, "cctv.snapshot", path="porch.mkv", at_seconds=1.5)

    still = stack.host.file(record["result"]["path"])
    assert record["worker"] == f"node@{stack.hostname}"
    assert record["result"]["path"].startswith(f"{NODE_DATA_DIR}/derived/")
    assert (record["result"]["width"], record["result"]["height"]) == (320, 240)
    assert still.exists
    assert still.user == "unibos-node"
    assert still.mode & 0o007 == 0


# Sent with the hub's worker command, there where a hub worker runs.
@pytest.mark.on("worker_core")
def test_a_hub_worker_cannot_be_sent_a_camera_task(stack):
    cmd = stack.host.run(
        "/usr/local/sbin/unibos-worker call cctv.snapshot --kwargs %s",
        json.dumps({"path": "porch.mkv"}),
    )

    assert cmd.rc == 1
    assert "cctv.snapshot was not sent: task cctv.snapshot is node-only" in cmd.stderr
    assert "was published without an origin node" in cmd.stderr


def test_the_node_worker_may_write_only_its_data_dir(stack, sync_unit):
    paths = stack.host.check_output("systemctl show -p ReadWritePaths --value unibos-node-worker")
    # And the node's state, where the sync agent runs in it (a Pi Zero 2 W's profile):
    # the agent's store is there.
    in_worker = [NODE_STATE_DIR] if sync_unit == "unibos-node-worker" else []
    assert paths.split() == [NODE_DATA_DIR, *in_worker]
