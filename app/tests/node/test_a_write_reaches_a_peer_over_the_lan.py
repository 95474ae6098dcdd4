"""Two nodes on a LAN of the test's own, each running its real sync agent (`unibos sync
--watch`: mDNS, heartbeat, pulls) and node API (gunicorn), the hub unreachable: a write
on one arrives on the other, once and in its origin's order, queued there for the hub,
and a write on the other comes back the same way."""

import os
import re
import shutil
import time

import pytest
from unibos.node.sync.store import SyncStore
from unibos_controller.testbed.waiting import wait_until

from tests.node.keyserver import SigningKey
from tests.node.lan import Lan, LanNode

# Two heartbeats (3 s each) and their pulls, with room for a loaded machine.
ARRIVES_WITHIN_S = 20.0


@pytest.fixture
def lan():
    # As test_peers_are_found_and_lost_over_real_mdns: root and iproute2 are the setup's.
    assert os.geteuid() == 0, "a network namespace of the test's own needs root"
    assert shutil.which("ip"), "a network namespace of the test's own needs iproute2 (ip)"
    created = Lan().create()
    yield created
    created.delete()


@pytest.fixture
def nodes(lan, tmp_path):
    key = SigningKey()
    hall, kitchen = (
        LanNode(lan, tmp_path / name, interface, key, name).enrol()
        for name, interface in (("pi-hall", "mdns0"), ("pi-kitchen", "mdns1"))
    )
    yield hall, kitchen
    for node in (hall, kitchen):
        node.kill()


def store(node: LanNode) -> SyncStore:
    return SyncStore(node.base / "sync.sqlite3", node.node_id)


def holds(node: LanNode, origin: LanNode, seq: int) -> bool:
    with store(node) as opened:
        return opened.vector().get(origin.node_id, 0) >= seq


def test_a_write_on_one_node_arrives_on_the_other_through_their_agents(nodes):
    hall, kitchen = nodes
    for node in (hall, kitchen):
        node.start_api()
        node.start_agent()
    with store(hall) as opened:
        written = [opened.put("notes", f"n{i}", {"title": f"note {i}"}) for i in (1, 2, 3)]
    started = time.monotonic()

    wait_until(lambda: holds(kitchen, hall, 3), ARRIVES_WITHIN_S, "the kitchen holding them")
    arrived_s = time.monotonic() - started
    with store(kitchen) as opened:
        assert opened.lacking({kitchen.node_id: 0}) == written
        assert opened.relay_queue() == written
        reply = opened.put("notes", "n1", {"title": "note 1, answered"})
    wait_until(lambda: holds(hall, kitchen, 1), ARRIVES_WITHIN_S, "the hall holding the reply")
    with store(hall) as opened:
        assert opened.lacking({hall.node_id: 3}) == [reply]
        assert opened.get("notes", "n1") == {"title": "note 1, answered"}

    # Each taken once: the batches the kitchen logged sum to the hall's three writes.
    took = re.findall(r"took (\d+) operations from peer pi-hall", kitchen.output("agent.log"))
    assert sum(map(int, took)) == 3
    # How fast is a figure, printed, not asserted beyond the deadline.
    print(f"peer_write_arrived_s={arrived_s:.2f}")
