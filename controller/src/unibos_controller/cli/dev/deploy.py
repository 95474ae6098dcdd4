"""`unibos-dev deploy TARGET HOST`: build the bundle if needed, then deploy it to HOST."""

from __future__ import annotations

from pathlib import Path

import click

from unibos_controller.bundles import builder, wheels
from unibos_controller.bundles.source import SourceError
from unibos_controller.cli import manager
from unibos_controller.cli.dev import common
from unibos_controller.cli.manager import deploy as manager_deploy
from unibos_controller.fleet import runs
from unibos_controller.fleet.inventory import Inventory, InventoryError


@click.command(epilog=manager_deploy.EXIT_CODES)
@click.argument("target", type=click.Choice(builder.TARGETS))
@click.argument("host")
@click.option(
    "-i",
    "--inventory",
    type=click.Path(path_type=Path),
    help="The Ansible inventory [default: as unibos-manager's: UNIBOS_INVENTORY, else "
    "~/.config/unibos/manager.toml, else the checkout's inventories/dev].",
)
@click.option("--arch", type=click.Choice(wheels.ARCHES), default="amd64", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON event a line, then the recap.")
def deploy(target: str, host: str, inventory: Path | None, arch: str, as_json: bool) -> None:
    """Build TARGET's bundle of HEAD for ARCH (kept when this commit's is built already),
    then run playbooks/site.yml on HOST only with app_bundle set to it: what
    `unibos-manager deploy --limit HOST` runs (its code: live lines, recap, exit codes),
    installing from that bundle. A HOST that is not in the inventory is refused (exit 2)
    before building."""
    checkout = common.checkout()
    inventory_path = (inventory or manager.default_inventory()).resolve()
    try:
        Inventory(inventory_path).require_host(host)
    except InventoryError as error:
        raise common.refused(str(error)) from None
    try:
        (bundle,) = builder.build(
            checkout, [target], arch, progress=lambda line: click.echo(f"... {line}")
        )
    except SourceError as error:
        raise common.refused(str(error)) from None
    except wheels.WheelError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(1) from None
    state = "built" if bundle.fresh else "up to date"
    click.echo(f"{state}: {bundle.path.relative_to(checkout)}; deploying it to {host}")
    manager_deploy.run(
        runs.SITE_PLAYBOOK,
        inventory_path,
        everything=False,
        group=None,
        limit=host,
        check=False,
        diff=False,
        tags=None,
        as_json=as_json,
        extravars={"app_bundle": str(bundle.path)},
    )
