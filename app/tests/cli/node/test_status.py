import json
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from unibos.cli.node import cli
from unibos.identity import enrolment, keys, tenancy
from unibos.identity.models import Node
from unibos_controller.testbed.servers import free_port

from tests.node.node_host import WORKER_NAME


def status(*args: str):
    return CliRunner().invoke(cli, ["status", *args])


def test_status_of_a_node_that_is_not_enrolled_exits_1(node_config):
    result = status()

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: this node is not enrolled; run: unibos enrol --hub URL --token TOKEN\n"
    )


def test_status_shows_the_identity_and_the_hub_online(hub, enrolled):
    result = status()

    assert result.exit_code == 0, result.output
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert lines["node"].strip() == f"pi ({enrolled.node_id})"
    assert lines["organization"].strip() == "Acme (acme)"
    assert lines["hub"].strip() == hub.url
    assert lines["state"].strip() == "online"
    assert lines["last contact"].strip() != "never"
    assert lines["jwks fetched"].strip() != "never"
    assert sorted(lines["kids"].strip().split(", ")) == sorted(k.kid for k in keys.published())


def test_status_json_is_the_node_document(hub, enrolled):
    result = status("--json")

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["node_id"] == enrolled.node_id
    assert document["organization"]["slug"] == "acme"
    assert document["hub"]["state"] == "online"
    assert document["hub"]["reason"] is None
    contact = datetime.fromisoformat(document["hub"]["last_contact_at"])
    assert contact > datetime.now(UTC) - timedelta(minutes=1)


def enrolled_at(node_config) -> str:
    return node_config.state.read_json("contact.json")["last_contact_at"]


def test_status_with_the_hub_unreachable_reports_offline_and_exits_0(
    hub, enrolled, offline, node_config
):
    result = status("--json")

    assert result.exit_code == 0, result.output
    hub_state = json.loads(result.stdout)["hub"]
    assert hub_state["url"] == offline
    assert hub_state["state"] == "offline"
    assert "Connection refused" in hub_state["reason"]
    # Not reached since enrolment, but what it learnt then is still there.
    assert hub_state["last_contact_at"] == enrolled_at(node_config)
    assert sorted(hub_state["kids"]) == sorted(key.kid for key in keys.published())


def test_status_says_offline_in_text_with_the_reason(hub, enrolled, offline, node_config):
    result = status()

    assert result.exit_code == 0
    assert "state:        offline (" in result.stdout
    assert f"last contact: {enrolled_at(node_config)}" in result.stdout


def test_status_of_a_revoked_node_is_offline_with_the_hubs_reason(hub, enrolled):
    with tenancy.system():
        enrolment.revoke(Node.unscoped.get(pk=enrolled.node_id))

    result = status("--json")

    assert result.exit_code == 0
    reason = json.loads(result.stdout)["hub"]["reason"]
    assert reason.startswith(f"the hub refused this node's credential: node {enrolled.node_id}")


def test_status_shows_the_live_worker_serving_the_nodes_own_queue(node_host):
    result = node_host.unibos("status", "--json")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["tasks"] == {
        "queue": f"node.{node_host.node_id}",
        "workers": [WORKER_NAME],
        "waiting": 0,
        "error": None,
    }


def test_status_says_when_no_worker_serves_the_nodes_queue(hub, enrolled):
    result = status()

    assert result.exit_code == 0, result.output
    assert f"tasks:        node.{enrolled.node_id}: no live worker, 0 waiting" in result.stdout


def test_status_reports_an_unreachable_broker_and_exits_0(node_of_jwks_server, settings):
    settings.UNIBOS_REDIS = {**settings.UNIBOS_REDIS, "host": "127.0.0.1", "port": free_port()}

    result = status("--json")

    assert result.exit_code == 0, result.output
    tasks = json.loads(result.stdout)["tasks"]
    assert (tasks["workers"], tasks["waiting"]) == (None, None)
    assert tasks["error"].startswith("cannot read Redis: Error 111 connecting to 127.0.0.1:")
