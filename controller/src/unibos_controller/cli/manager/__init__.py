"""`unibos-manager`: run the fleet from the controller through ansible-runner.

The inventory is `-i/--inventory`, else UNIBOS_INVENTORY, else `inventory` in
~/.config/unibos/manager.toml, else the checkout's inventories/dev.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import click

# The modules, not their commands: a command imported under its module's name would
# hide the module (as in unibos.cli.hub).
from unibos_controller.cli.manager import deploy, hubs, logs, nodes, rollback, upgrade, workers
from unibos_controller.fleet.runs import REPO_ROOT

CONFIG_FILE = Path("~/.config/unibos/manager.toml")


def default_inventory() -> Path:
    from_environment = os.environ.get("UNIBOS_INVENTORY")
    if from_environment:
        return Path(from_environment)
    config = CONFIG_FILE.expanduser()
    if config.is_file():
        try:
            settings = tomllib.loads(config.read_text())
        except tomllib.TOMLDecodeError as error:
            raise click.UsageError(f"{config} is not valid TOML: {error}") from None
        if "inventory" in settings:
            # Relative to the file that names it, not to wherever the command runs.
            return config.parent / Path(settings["inventory"]).expanduser()
    return REPO_ROOT / "inventories" / "dev"


@click.group()
@click.version_option(package_name="unibos-controller")
@click.option(
    "-i",
    "--inventory",
    type=click.Path(path_type=Path),
    help="The Ansible inventory [default: UNIBOS_INVENTORY, else `inventory` in "
    "~/.config/unibos/manager.toml, else the checkout's inventories/dev].",
)
@click.pass_context
def cli(context: click.Context, inventory: Path | None) -> None:
    """Deploy the UNIBOS fleet and look at it, through ansible-runner. Run artifacts are
    kept under UNIBOS_MANAGER_STATE (default ${XDG_STATE_HOME:-~/.local/state}/unibos-manager)."""
    context.obj = (inventory or default_inventory()).resolve()


cli.add_command(deploy.deploy)
cli.add_command(upgrade.upgrade)
cli.add_command(rollback.rollback)
cli.add_command(hubs.hubs)
cli.add_command(nodes.nodes)
cli.add_command(workers.workers)
cli.add_command(logs.logs)
