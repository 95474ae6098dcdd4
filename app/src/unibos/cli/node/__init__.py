"""`unibos`: enrol this node with a hub, show its identity and hub, log a user in, sync,
run the node's own worker and send it tasks."""

import click

from unibos.cli.node.call import call
from unibos.cli.node.conflicts import conflicts
from unibos.cli.node.enrol import enrol
from unibos.cli.node.login import login
from unibos.cli.node.status import status
from unibos.cli.node.sync import sync
from unibos.cli.node.worker import worker


@click.group()
@click.version_option(package_name="unibos")
def cli() -> None:
    """This UNIBOS node's identity and its hub (settings from the UNIBOS_* environment)."""


cli.add_command(enrol)
cli.add_command(status)
cli.add_command(login)
cli.add_command(sync)
cli.add_command(conflicts)
cli.add_command(worker)
cli.add_command(call)
