"""`unibos-dev deploy`: a host the inventory does not have is refused before any build.

A deploy with a bundle is what the app role's bundle tests (../roles/test_app_bundle.py)
and unibos-manager's deploy tests cover, each a part; a full `unibos-dev deploy` of a
container takes minutes and is not run here.
"""

from unibos_controller.bundles.wheels import TOOLS_ROOT


def test_a_host_not_in_the_inventory_is_refused_with_exit_2_before_building(fresh_checkout, dev):
    checkout = fresh_checkout
    inventory = TOOLS_ROOT / "inventories" / "dev"
    result = dev(checkout, "deploy", "node", "no-such-host", "-i", str(inventory))
    assert result.exit_code == 2, result.output
    assert f"no-such-host is not a host of the inventory {inventory}" in result.output
    assert not (checkout / "build").exists()
