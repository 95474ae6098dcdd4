"""`unibos-hub`: the hubs' PostgreSQL cluster under Patroni, and identity administration.

`status` and `failover` read only UNIBOS_PATRONI_* from the environment, never the
Django settings, so they work on a hub whose database is what is broken. `orgs`,
`users`, `nodes` and `keys` work on the hub's database: they load the settings when
they run (not on import, see database.py).
"""

import click

from unibos.cli.hub.failover import failover
from unibos.cli.hub.keys import keys
from unibos.cli.hub.nodes import nodes
from unibos.cli.hub.orgs import orgs
from unibos.cli.hub.schedules import schedules
from unibos.cli.hub.status import status
from unibos.cli.hub.users import users


@click.group()
@click.version_option(package_name="unibos")
def cli() -> None:
    """Inspect and switch the hubs' PostgreSQL cluster (UNIBOS_PATRONI_*); manage
    organizations, users, nodes and signing keys (the hub's settings)."""


cli.add_command(status)
cli.add_command(failover)
cli.add_command(orgs)
cli.add_command(users)
cli.add_command(nodes)
cli.add_command(keys)
cli.add_command(schedules)
