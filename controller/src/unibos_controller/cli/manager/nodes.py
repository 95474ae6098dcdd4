"""`unibos-manager nodes`: the inventory's nodes joined with the hub's node registry."""

from __future__ import annotations

from pathlib import Path

import click

from unibos_controller.cli.manager import common
from unibos_controller.fleet import health


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the rows as one JSON list.")
@click.pass_obj
def nodes(inventory_path: Path, as_json: bool) -> None:
    """Each host of the `node` group with its registry entry (version, last contact), from
    `unibos-hub nodes list` on the hubs. Exit 1 when one is not enrolled or revoked, or
    when no hub answers."""
    inventory = common.open_inventory(inventory_path)
    hosts = common.group(inventory, "node")
    outcomes = common.command_on(inventory, "hub", health.NODES_LIST)
    rows = health.node_rows(hosts, outcomes)
    columns = ["host", "version", "last_contact_at", "id", "status"]
    common.show(rows, columns, as_json)
