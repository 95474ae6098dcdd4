from typing import Any

import click

from unibos.cli.django_setup import configure_django
from unibos.cli.task_call import call_options, send_and_wait


@click.command()
@call_options
def call(task: str, kwargs: dict[str, Any], timeout: float) -> None:
    """Send TASK the UNIBOS way (routed by its rule, with this host's node as origin),
    wait for it, and print its result as JSON; exit 1 if it failed."""
    configure_django()
    send_and_wait(task, kwargs, timeout)
