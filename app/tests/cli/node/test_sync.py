"""`unibos sync`: the node's sync state, and one round with the real hub."""

import json

import pytest
from click.testing import CliRunner
from unibos.cli.node import cli
from unibos.hub.sync.models import SyncOperation
from unibos.identity import tenancy
from unibos.node.sync.store import SyncStore


@pytest.fixture
def store(enrolled, settings, tmp_path):
    settings.UNIBOS_SYNC_DB_PATH = tmp_path / "sync.sqlite3"
    opened = SyncStore(settings.UNIBOS_SYNC_DB_PATH, enrolled.node_id)
    yield opened
    opened.close()


def sync(*args: str):
    return CliRunner().invoke(cli, ["sync", *args])


def test_sync_shows_the_queue_of_a_node_that_never_synced(store):
    store.put("notes", "n1", {"title": "one"})
    store.put("notes", "n2", {"title": "two"})

    result = sync()

    assert result.exit_code == 0, result.output
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert lines["queue"].strip() == "2 operations not yet on the hub"
    assert lines["last sync"].strip() == "never"
    assert lines["conflicts"].strip() == "0 unresolved"


def test_sync_once_pushes_the_queue_to_the_hub(store, enrolled):
    store.put("notes", "n1", {"title": "one"})

    result = sync("--once", "--json")

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["round"]["pushed"] == 1
    assert document["queue"] == 0
    assert document["last_sync_at"] is not None
    with tenancy.system():
        assert SyncOperation.unscoped.filter(node_id=enrolled.node_id).count() == 1


def test_sync_once_with_the_hub_unreachable_exits_1_and_keeps_the_queue(store, offline):
    store.put("notes", "n1", {"title": "one"})

    result = sync("--once")

    assert result.exit_code == 1
    assert "unreachable" in result.stderr
    assert store.status()["queue"] == 1


def test_sync_of_a_node_that_is_not_enrolled_exits_1(node_config):
    result = sync()

    assert result.exit_code == 1
    assert "this node is not enrolled" in result.stderr
