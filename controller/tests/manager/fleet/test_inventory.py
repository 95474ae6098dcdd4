"""Hosts, groups and --limit patterns of an inventory, as ansible-playbook reads them
(the repository's HA inventory: rocksteady and bebop hubs, a witness)."""

from pathlib import Path

import pytest
from unibos_controller.fleet.inventory import Inventory, InventoryError

HA = Path(__file__).resolve().parents[4] / "inventories" / "ha"


def test_a_pattern_resolves_as_ansible_resolves_it():
    inventory = Inventory(HA)
    assert inventory.hosts == ["bebop", "rocksteady", "witness"]
    assert inventory.resolve("hub") == ["bebop", "rocksteady"]
    assert inventory.resolve("hub:!bebop") == ["rocksteady"]
    assert inventory.resolve("etcd:&node") == ["witness"]
    assert inventory.resolve("rock*") == ["rocksteady"]


def test_a_pattern_that_matches_nothing_is_an_error_naming_it():
    with pytest.raises(InventoryError, match="--limit 'hubz' matches no host"):
        Inventory(HA).resolve("hubz")


def test_an_unknown_group_is_an_error_listing_the_groups():
    with pytest.raises(InventoryError, match=r"no group 'hubs' .*groups: etcd, haproxy, hub"):
        Inventory(HA).group("hubs")


def test_a_missing_inventory_is_an_error(tmp_path):
    with pytest.raises(InventoryError, match="no inventory at"):
        Inventory(tmp_path / "nowhere")
