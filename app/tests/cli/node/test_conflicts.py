"""`unibos conflicts list|resolve`: a person settles what sync could not."""

import json

import pytest
from click.testing import CliRunner
from unibos.cli.node import cli
from unibos.node.sync.store import SyncStore

OTHER = "9a1b2c3d-0000-4000-8000-00000000000b"


@pytest.fixture
def conflicted(node_of_jwks_server, settings, tmp_path):
    """A store whose n1.title was also written by another node, which lost."""
    settings.UNIBOS_SYNC_DB_PATH = tmp_path / "sync.sqlite3"
    store = SyncStore(settings.UNIBOS_SYNC_DB_PATH, node_of_jwks_server.node_id)
    store.put("notes", "n1", {"title": "mine"})
    store.apply_remote(
        [
            {
                "node_id": OTHER,
                "seq": 1,
                "hlc": f"0000000000001:00000:{OTHER}",
                "collection": "notes",
                "record_id": "n1",
                "kind": "put",
                "fields": {"title": "theirs"},
                "base": {},
            }
        ],
        cursor=1,
    )
    yield store
    store.close()


def conflicts(*args: str):
    return CliRunner().invoke(cli, ["conflicts", *args])


def test_list_shows_the_winner_and_the_loser(conflicted):
    result = conflicts("list")

    assert result.exit_code == 0, result.output
    assert result.stdout == '1\topen\tnotes/n1.title\twinner "mine"\tloser "theirs"\n'


def test_resolve_keeping_the_remote_value_writes_it_as_a_new_operation(conflicted):
    result = conflicts("resolve", "1", "--keep", "remote")

    assert result.exit_code == 0, result.output
    assert result.stdout == 'resolved 1: "theirs"\n'
    assert conflicted.get("notes", "n1") == {"title": "theirs"}
    assert conflicted.status()["queue"] == 2
    assert conflicts("list").stdout == "no conflicts\n"
    listed = json.loads(conflicts("list", "--all", "--json").stdout)["conflicts"]
    assert listed[0]["resolution"] == {"keep": "remote", "value": "theirs"}


def test_resolve_merged_takes_a_json_value(conflicted):
    result = conflicts("resolve", "1", "--keep", "merged", "--value", '"mine and theirs"')

    assert result.exit_code == 0, result.output
    assert conflicted.get("notes", "n1") == {"title": "mine and theirs"}


def test_resolve_merged_without_a_value_is_a_usage_error(conflicted):
    result = conflicts("resolve", "1", "--keep", "merged")

    assert result.exit_code == 2
    assert "--value is required with --keep merged" in result.stderr


def test_resolving_an_unknown_conflict_exits_1(conflicted):
    result = conflicts("resolve", "99", "--keep", "local")

    assert result.exit_code == 1
    assert "no such conflict 99" in result.stderr
