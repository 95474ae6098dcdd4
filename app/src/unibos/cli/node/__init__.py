"""`unibos`: enrol this node with a hub, show its identity and hub, log a user in, sync,
run the node's own worker and send it tasks, list its peers on the LAN, choose how far
each collection's operations go."""

import click

# The modules, not their commands: a command imported under its module's name would
# hide the module (unibos.cli.node.status would be the command, not the module).
from unibos.cli.node import call, conflicts, enrol, export, login, peers, status, sync, worker


@click.group()
@click.version_option(package_name="unibos")
def cli() -> None:
    """This UNIBOS node's identity and its hub (settings from the UNIBOS_* environment)."""


cli.add_command(enrol.enrol)
cli.add_command(status.status)
cli.add_command(login.login)
cli.add_command(sync.sync)
cli.add_command(conflicts.conflicts)
cli.add_command(worker.worker)
cli.add_command(call.call)
cli.add_command(peers.peers)
cli.add_command(export.export_control)
