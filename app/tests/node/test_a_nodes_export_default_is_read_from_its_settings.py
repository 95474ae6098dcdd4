"""UNIBOS_EXPORT_DEFAULT (node_export_default) is the level of a collection given none:
`hub` unless set, one of the levels or refused naming them, and the node's store writes
under it."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from unibos.node.state import Identity
from unibos.node.sync.store import SyncStore

from tests.settings.conftest import NODE

NODE_ID = "00000000-0000-4000-8000-00000000000a"


def test_the_default_is_hub(load_settings):
    assert load_settings(**NODE).UNIBOS_EXPORT_DEFAULT == "hub"


def test_a_node_reads_the_level_it_is_given(load_settings):
    assert load_settings(**NODE, UNIBOS_EXPORT_DEFAULT="local").UNIBOS_EXPORT_DEFAULT == "local"


def test_a_level_that_is_none_is_refused_naming_the_levels(load_settings):
    with pytest.raises(
        ImproperlyConfigured, match="UNIBOS_EXPORT_DEFAULT must be one of hub, peers, local"
    ):
        load_settings(**NODE, UNIBOS_EXPORT_DEFAULT="everywhere")


def test_the_nodes_store_stamps_a_collection_given_no_level_with_the_default(settings, tmp_path):
    settings.UNIBOS_SYNC_DB_PATH = tmp_path / "sync.sqlite3"
    settings.UNIBOS_EXPORT_DEFAULT = "local"
    identity = Identity(NODE_ID, "pi-a", {"id": 1, "slug": "acme"}, "hub", "http://hub", "")

    with SyncStore.of_node(identity) as store:
        store.put("notes", "n1", {"title": "kept here"})

        assert store.operations()[0]["export"] == "local"
        assert store.lacking({}) == [{"node_id": NODE_ID, "seq": 1, "kind": "placeholder"}]
