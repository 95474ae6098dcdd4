"""The node's sync agent (unibos-sync.service, or a thread of the node's worker on a Pi
Zero 2 W: node_sync_in_worker) runs against the hub it enrolled with, and
what users write through the node's API reaches the hub."""

import json
import secrets

import pytest
from conftest import NODE_PORT, wait_for
from unibos_controller.testbed.hosts import request

pytestmark = pytest.mark.on("node")


def sync_state(stack) -> dict:
    return json.loads(stack.host.check_output("/usr/local/sbin/unibos sync --json"))


def test_the_sync_agent_has_completed_a_round_with_the_hub(stack):
    state = wait_for(
        lambda: (found := sync_state(stack))["last_sync_at"] and found,
        60,
        "a completed sync round",
    )
    assert state["queue"] == 0, state


def test_the_sync_agent_logged_that_the_hub_is_online(stack, sync_unit):
    log = stack.host.check_output(f"journalctl -u {sync_unit} --no-pager -o cat")
    assert "online:" in log, log


def hub_record(stack, collection: str, record_id: str) -> dict | None:
    """The record as the hub's database holds it, read by the hub's own code."""
    code = (
        "import json; from unibos.identity import tenancy; from unibos.sync import merge; "
        "from unibos.hub.sync.models import SyncRecord\n"
        "with tenancy.system():\n"
        f"    row = SyncRecord.unscoped.filter(collection={collection!r}, "
        f"record_id={record_id!r}).first()\n"
        "print(json.dumps(row and merge.values(merge.decode(row.cells))))"
    )
    return json.loads(stack.hub_python(code))


# The hub's users and records are read on the host, through the hub's own commands.
@pytest.mark.on("hub")
def test_a_record_written_through_the_node_api_reaches_the_hub(stack):
    headers = {"Authorization": f"Bearer {stack.token(NODE_PORT, 'member')}"}
    record_id = f"verify-{secrets.token_hex(4)}"
    record = f"http://127.0.0.1:{NODE_PORT}/api/records/notes/{record_id}"

    status, body = request(stack.host, record, "PATCH", {"fields": {"title": "milk"}}, headers)
    assert status == 200, body
    status, body = request(
        stack.host, f"{record}/documents/body", "POST", {"insert": "shared text"}, headers
    )
    assert status == 200, body

    # The agent may sync between the two writes: the record reaches the hub first with its
    # title only, and its document in the next round.
    found = wait_for(
        lambda: (record := hub_record(stack, "notes", record_id)) and "body" in record and record,
        60,
        "the record with its document on the hub after a sync",
    )
    assert found["title"] == "milk"
    assert found["body"]["$crdt"] == json.loads(body)["state"]
