import json
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from unibos.cli.node import cli
from unibos.core import registry
from unibos_controller.testbed.waiting import wait_until
from unibos_controller.testbed.workers import UNIBOS

from tests.node.node_host import WORKER_NAME, NodeHost

# The Pi Zero 2 W's node hosts below: a Redis database of their own, apart from the
# module's node_host (the same worker name on database 1).
PI_ZERO_REDIS_DB = 7


def pi_zero_host(tmp_path, redis_server, *options, **env):
    """A node's own worker with the Pi Zero 2 W's pool (threads), and `options`."""
    client = redis_server.client(db=PI_ZERO_REDIS_DB)
    host = NodeHost.start(
        tmp_path, client, "threads", *options, UNIBOS_REDIS_DB=str(PI_ZERO_REDIS_DB), **env
    )
    return host, client


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
    host, client = pi_zero_host(tmp_path, redis_server)
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


def test_a_worker_with_sync_runs_the_sync_agent_in_its_own_process(tmp_path, redis_server):
    # As on a Pi Zero 2 W: one process for the worker and the agent, which finds its
    # hub (the identity's, a closed port) offline and says so, and stops with it.
    host, _ = pi_zero_host(tmp_path, redis_server, "--with-sync")
    try:
        wait_until(
            lambda: "WARNING unibos.sync: offline: http://127.0.0.1:9" in host.worker.output(),
            30,
            "the agent in the worker finding its hub offline",
        )
        done = host.unibos("call", "core.noop")
        # The agent's lines are this process's output, and it started no other process.
        pid = host.worker.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    finally:
        code = host.worker.stop()

    assert done.returncode == 0, done.stderr
    assert children == []
    assert code == 0, host.worker.output()
    assert "INFO unibos.sync: stopped" in host.worker.output()


def test_a_worker_with_sync_watches_for_peers_beside_the_agent(tmp_path, redis_server):
    # Discovery on loopback, which carries this process's own multicast and nothing
    # beyond the machine: the peer watch starts in the worker's process, its lines in the
    # agent's format, and stops with it (its goodbye sent).
    host, _ = pi_zero_host(tmp_path, redis_server, "--with-sync", UNIBOS_MDNS_INTERFACES="lo")
    try:
        wait_until(
            lambda: "INFO unibos.peers: announcing this node on the LAN" in host.worker.output(),
            30,
            "the peer watch starting in the worker",
        )
    finally:
        code = host.worker.stop()

    assert code == 0, host.worker.output()
    assert "the peer watch failed" not in host.worker.output()


def test_a_worker_whose_sync_agent_cannot_start_exits_1_naming_it(tmp_path, redis_server):
    # The agent's store cannot be opened: a directory stands where its file goes.
    (tmp_path / "store-is-a-directory").mkdir()
    with pytest.raises(AssertionError, match=r"exited \(rc=1\)") as refused:
        pi_zero_host(
            tmp_path, redis_server, "--with-sync",
            UNIBOS_SYNC_DB_PATH=str(tmp_path / "store-is-a-directory"),
        )  # fmt: skip
    assert "Error: the sync agent could not start:" in str(refused.value)
