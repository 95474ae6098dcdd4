"""`unibos peers`: the peers the sync agent saved in the store, with what each side lacks;
exit 1 when the node is not enrolled."""

import json

import pytest
from click.testing import CliRunner
from unibos.cli.node import cli
from unibos.node.sync.store import SyncStore

KITCHEN = "00000000-0000-4000-8000-00000000000b"
GARAGE = "00000000-0000-4000-8000-00000000000c"
# 2026-12-07T12:00:00Z
SEEN = 1796644800.0


def peers(*args: str):
    return CliRunner().invoke(cli, ["peers", *args])


def peer(node_id: str, name: str, *, state: str, vector=None, last_seen=None, reason=None) -> dict:
    return {
        "node_id": node_id,
        "name": name,
        "address": "10.0.0.2",
        "port": 8001,
        "organization": 7,
        "version": "0.1.0",
        "state": state,
        "last_seen": last_seen,
        "vector": vector,
        "reason": reason,
    }


@pytest.fixture
def store(node_of_jwks_server, settings, tmp_path):
    settings.UNIBOS_SYNC_DB_PATH = tmp_path / "sync.sqlite3"
    ours = node_of_jwks_server.node_id
    with SyncStore(settings.UNIBOS_SYNC_DB_PATH, ours) as opened:
        # Three operations of this node's; the kitchen holds one of them and five of its
        # own, which this node lacks.
        for number in range(3):
            opened.put("notes", f"n{number}", {"title": str(number)})
        opened.save_peers([
            peer(KITCHEN, "pi-kitchen", state="up", vector={ours: 1, KITCHEN: 5}, last_seen=SEEN),
            peer(GARAGE, "pi-garage", state="gone", reason="timed out"),
        ])  # fmt: skip
        yield opened


def test_peers_lists_each_peer_with_what_each_side_lacks(store):
    result = peers()

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "name        address        organization  state             last seen"
        "                  it lacks  we lack",
        "pi-garage   10.0.0.2:8001  7             gone (timed out)  never"
        "                      -         -",
        "pi-kitchen  10.0.0.2:8001  7             up                2026-12-07T12:00:00+00:00"
        "  2         5",
    ]


def test_peers_json_gives_the_counts_and_the_times(store, node_of_jwks_server):
    result = peers("--json")

    assert result.exit_code == 0, result.output
    garage, kitchen = json.loads(result.stdout)["peers"]
    assert kitchen == {
        "name": "pi-kitchen",
        "node_id": KITCHEN,
        "address": "10.0.0.2:8001",
        "organization": 7,
        "version": "0.1.0",
        "state": "up",
        "reason": None,
        "last_seen": "2026-12-07T12:00:00+00:00",
        "it_lacks": 2,
        "we_lack": 5,
    }
    assert garage["state"] == "gone"
    assert garage["it_lacks"] is None


def test_peers_of_a_node_that_found_none_says_so(node_of_jwks_server, settings, tmp_path):
    settings.UNIBOS_SYNC_DB_PATH = tmp_path / "sync.sqlite3"

    result = peers()

    assert result.exit_code == 0, result.output
    assert result.stdout == "no peers found (yet) on the LAN\n"


def test_peers_of_a_node_that_is_not_enrolled_exits_1(node_config):
    result = peers()

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "this node is not enrolled" in result.stderr
