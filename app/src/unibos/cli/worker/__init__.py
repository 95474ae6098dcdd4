"""`unibos-worker`: start a Celery worker, list live ones, call a task."""

import click

# The modules, not their commands: a command imported under its module's name would
# hide the module (unibos.cli.worker.status would be the command, not the module).
from unibos.cli.worker import call, start, status, tasks


@click.group()
@click.version_option(package_name="unibos")
def cli() -> None:
    """Run and inspect UNIBOS Celery workers (settings from the UNIBOS_* environment)."""


cli.add_command(start.start)
cli.add_command(status.status)
cli.add_command(call.call)
cli.add_command(tasks.tasks)
