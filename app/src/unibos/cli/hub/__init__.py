"""`unibos-hub`: the hubs' PostgreSQL cluster under Patroni, and identity administration.

`status` and `failover` read only UNIBOS_PATRONI_* from the environment, never the
Django settings, so they work on a hub whose database is what is broken. `orgs`,
`users`, `nodes` and `keys` work on the hub's database: they load the settings when
they run (not on import, see database.py).
"""

import click

# The modules, not their commands: a command imported under its module's name would
# hide the module (unibos.cli.hub.status would be the command, not the module).
from unibos.cli.hub import failover, keys, nodes, orgs, schedules, status, users


@click.group()
@click.version_option(package_name="unibos")
def cli() -> None:
    """Inspect and switch the hubs' PostgreSQL cluster (UNIBOS_PATRONI_*); manage
    organizations, users, nodes and signing keys (the hub's settings)."""


cli.add_command(status.status)
cli.add_command(failover.failover)
cli.add_command(orgs.orgs)
cli.add_command(users.users)
cli.add_command(nodes.nodes)
cli.add_command(keys.keys)
cli.add_command(schedules.schedules)
