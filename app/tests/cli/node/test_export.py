"""`unibos export list|set`: each collection's export level, set or the default's, and
setting one; a bad collection name or level is named with exit 2; exit 1 when the node
is not enrolled."""

import json

import pytest
from click.testing import CliRunner
from unibos.cli.node import cli
from unibos.node.sync.store import SyncStore


def export(*args: str):
    return CliRunner().invoke(cli, ["export", *args])


@pytest.fixture
def store(node_of_jwks_server, settings, tmp_path):
    settings.UNIBOS_SYNC_DB_PATH = tmp_path / "sync.sqlite3"
    settings.UNIBOS_EXPORT_DEFAULT = "hub"
    with SyncStore(settings.UNIBOS_SYNC_DB_PATH, node_of_jwks_server.node_id) as opened:
        opened.put("notes", "n1", {"title": "a note"})
        opened.set_export("diary", "local")
        yield opened


def test_list_gives_each_collection_its_level_and_whether_it_was_set(store):
    result = export("list")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "default: hub (UNIBOS_EXPORT_DEFAULT)",
        "collection  level  set",
        "diary       local  yes",
        "notes       hub    no (default)",
    ]


def test_list_json_gives_the_default_and_every_collection(store, settings):
    settings.UNIBOS_EXPORT_DEFAULT = "peers"

    result = export("list", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "default": "peers",
        "collections": [
            {"collection": "diary", "level": "local", "set": True},
            {"collection": "notes", "level": "peers", "set": False},
        ],
    }


def test_set_gives_a_collection_its_level_and_says_what_it_was(store):
    result = export("set", "notes", "peers")

    assert result.exit_code == 0, result.output
    assert result.stdout == "notes: peers (was hub)\n"
    assert store.export_level("notes") == "peers"
    # Its queued operation with it: it goes to the hub as a placeholder now.
    assert store.hub_queue() == [{"node_id": store.node_id, "seq": 1, "kind": "placeholder"}]


def test_set_with_a_level_that_is_none_exits_2_naming_it(store):
    result = export("set", "notes", "everywhere")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert (
        "Invalid value for LEVEL: 'everywhere' is no export level; the levels are hub, "
        "peers, local" in result.stderr
    )
    assert store.export_level("notes") == "hub"


def test_set_with_a_collection_name_that_is_none_exits_2_naming_it(store):
    result = export("set", "my notes", "local")

    assert result.exit_code == 2
    assert "Invalid value for COLLECTION: 'my notes' is no collection name" in result.stderr
    assert store.exports() == [
        {"collection": "diary", "level": "local", "set": True},
        {"collection": "notes", "level": "hub", "set": False},
    ]


def test_export_of_a_node_that_is_not_enrolled_exits_1(node_config):
    for args in (("list",), ("set", "notes", "local")):
        result = export(*args)

        assert result.exit_code == 1
        assert result.stdout == ""
        assert "this node is not enrolled" in result.stderr


def test_list_of_a_node_with_no_collections_gives_the_default_and_says_so(
    node_of_jwks_server, settings, tmp_path
):
    settings.UNIBOS_SYNC_DB_PATH = tmp_path / "sync.sqlite3"
    settings.UNIBOS_EXPORT_DEFAULT = "local"

    result = export("list")

    assert result.exit_code == 0, result.output
    assert result.stdout == "default: local (UNIBOS_EXPORT_DEFAULT)\nno collections yet\n"
