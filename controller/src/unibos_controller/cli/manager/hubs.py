"""`unibos-manager hubs`: the inventory's hubs with their Patroni member's state."""

from __future__ import annotations

from pathlib import Path

import click

from unibos_controller.cli.manager import common
from unibos_controller.fleet import health


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the rows as one JSON list.")
@click.pass_obj
def hubs(inventory_path: Path, as_json: bool) -> None:
    """Each host of the `hub` group: Patroni role, state, timeline, lag (MB), from
    `unibos-hub status` on the hubs. Exit 1 when one is unreachable or not healthy
    (a leader not running, a replica not streaming)."""
    inventory = common.open_inventory(inventory_path)
    hosts = common.group(inventory, "hub")
    outcomes = common.command_on(inventory, "hub", health.HUB_STATUS)
    rows = health.hub_rows(hosts, outcomes)
    common.show(rows, ["host", "role", "state", "timeline", "lag_mb", "status"], as_json)
