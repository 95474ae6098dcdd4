import json
import subprocess
import time
import uuid
from pathlib import Path

from click.testing import CliRunner
from unibos.cli.node import cli
from unibos.core import registry
from unibos_controller.testbed.waiting import wait_until
from unibos_controller.testbed.workers import UNIBOS

from tests.node.node_host import NODE_REDIS_DB, WORKER_NAME, NodeHost


def test_worker_of_a_node_that_is_not_enrolled_exits_1(node_config):
    result = CliRunner().invoke(cli, ["worker"])

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: this node is not enrolled; run: unibos enrol --hub URL --token TOKEN\n"
    )


def test_worker_refuses_a_node_id_setting_that_is_not_the_enrolled_one(
    node_of_jwks_server, settings
):
    other = str(uuid.uuid4())
    settings.UNIBOS_NODE_ID = other

    result = CliRunner().invoke(cli, ["worker"])

    assert result.exit_code == 1
    assert (
        f"UNIBOS_NODE_ID is {other} but this node is enrolled as {node_of_jwks_server.node_id}"
        in result.stderr
    )
    assert "remove UNIBOS_NODE_ID from the environment" in result.stderr


def test_worker_registers_as_the_nodes_worker_serving_its_queue_alone(node_host):
    record = node_host.record

    assert record["name"] == WORKER_NAME
    assert record["type"] == "node"
    assert record["queues"] == [f"node.{node_host.node_id}"]
    assert record["capabilities"]["memory_mb"] > 0


def test_a_threads_worker_as_on_a_pi_zero_runs_the_nodes_tasks_in_its_own_process(
    tmp_path, redis_server
):
    client = redis_server.client(db=NODE_REDIS_DB)
    host = NodeHost.start(tmp_path, client, pool="threads")
    try:
        # A task running longer than the registry's TTL (3 heartbeats of 1 s): the
        # worker's own loop is not the task's thread, so it keeps heartbeating.
        long_task = subprocess.Popen(
            [UNIBOS, "call", "core.drill", "--kwargs", '{"seconds": 6}'],
            env=host.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        wait_until(lambda: client.llen(f"node.{host.node_id}") == 0, 30, "the long task taken")
        time.sleep(4)
        live_meanwhile = [record.name for record in registry.live_workers(client)]
        long_out, long_err = long_task.communicate(timeout=60)
        done = host.unibos("call", "core.noop")
        failed = host.unibos(
            "call", "media.resize", "--kwargs", '{"path": "/etc/passwd", "width": 9}'
        )
        # One process: no pool child beside Celery's own.
        pid = host.worker.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    finally:
        assert host.worker.stop() == 0, host.worker.output()

    assert long_task.returncode == 0, long_err
    assert json.loads(long_out)["state"] == "SUCCESS"
    assert WORKER_NAME in live_meanwhile
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert (document["state"], document["worker"]) == ("SUCCESS", WORKER_NAME)
    assert failed.returncode == 1
    assert "error: media.resize failed: ValueError: path '/etc/passwd'" in failed.stderr
    assert children == []
