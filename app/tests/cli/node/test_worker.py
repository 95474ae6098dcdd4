import json
import uuid
from pathlib import Path

from click.testing import CliRunner
from unibos.cli.node import cli

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


def test_worker_refuses_a_solo_pool_of_more_than_one_task(node_of_jwks_server):
    result = CliRunner().invoke(cli, ["worker", "--pool", "solo", "--concurrency", "2"])

    assert result.exit_code == 2
    assert "--pool solo runs one task at a time" in result.stderr


def test_a_solo_worker_as_on_a_pi_zero_runs_the_nodes_tasks_in_its_own_process(
    tmp_path, redis_server
):
    host = NodeHost.start(tmp_path, redis_server.client(db=NODE_REDIS_DB), pool="solo")
    try:
        done = host.unibos("call", "core.noop")
        failed = host.unibos(
            "call", "media.resize", "--kwargs", '{"path": "/etc/passwd", "width": 9}'
        )
        # One process: no pool child beside Celery's own.
        pid = host.worker.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    finally:
        assert host.worker.stop() == 0, host.worker.output()

    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert (document["state"], document["worker"]) == ("SUCCESS", WORKER_NAME)
    assert failed.returncode == 1
    assert "error: media.resize failed: ValueError: path '/etc/passwd'" in failed.stderr
    assert children == []
