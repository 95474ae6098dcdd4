import uuid

from click.testing import CliRunner
from unibos.cli.node import cli

from tests.node.node_host import WORKER_NAME


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
