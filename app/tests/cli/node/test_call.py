import json

from click.testing import CliRunner
from unibos.cli.node import cli

from tests.node.node_host import WORKER_NAME


def test_call_runs_the_task_on_the_nodes_own_worker(node_host):
    result = node_host.unibos("call", "core.noop")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["state"] == "SUCCESS"
    assert document["worker"] == WORKER_NAME
    assert document["queue"] == f"node.{node_host.node_id}"
    assert document["result"] == {}


def test_call_exits_1_printing_the_error_of_a_failed_task(node_host):
    result = node_host.unibos(
        "call", "media.resize", "--kwargs", '{"path": "/etc/passwd", "width": 9}'
    )

    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert (document["state"], document["worker"]) == ("FAILURE", WORKER_NAME)
    assert "error: media.resize failed: ValueError: path '/etc/passwd'" in result.stderr


def test_call_refuses_a_task_its_rule_keeps_on_hubs(node_host):
    rules = [{"pattern": "core.noop", "queue": "default", "locality": "hub"}]

    result = node_host.unibos("call", "core.noop", UNIBOS_TASK_RULES=json.dumps(rules))

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: core.noop was not sent: task core.noop runs on hubs only under rule "
        f"'core.noop' (UNIBOS_TASK_RULES[0]), not on node queue 'node.{node_host.node_id}'\n"
    )


def test_call_on_a_node_that_is_not_enrolled_exits_1_sending_nothing(node_config):
    result = CliRunner().invoke(cli, ["call", "core.noop"])

    assert result.exit_code == 1
    assert "this node is not enrolled" in result.stderr
