"""`unibos-worker`: start a Celery worker, list live ones, call a task."""

import click

from unibos.cli.worker.call import call
from unibos.cli.worker.start import start
from unibos.cli.worker.status import status
from unibos.cli.worker.tasks import tasks


@click.group()
@click.version_option(package_name="unibos")
def cli() -> None:
    """Run and inspect UNIBOS Celery workers (settings from the UNIBOS_* environment)."""


cli.add_command(start)
cli.add_command(status)
cli.add_command(call)
cli.add_command(tasks)
