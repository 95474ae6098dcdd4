"""`unibos-hub`: the hubs' PostgreSQL cluster under Patroni, its state and switchovers.

It reads only UNIBOS_PATRONI_* from the environment, never the Django settings, so it
works on a hub whose database is what is broken.
"""

import click

from unibos.cli.hub.failover import failover
from unibos.cli.hub.status import status


@click.group()
@click.version_option(package_name="unibos")
def cli() -> None:
    """Inspect the hubs' PostgreSQL cluster and switch its leader (UNIBOS_PATRONI_*)."""


cli.add_command(status)
cli.add_command(failover)
