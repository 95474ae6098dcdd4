from typing import Any

import click

from unibos.cli.django_setup import configure_django
from unibos.cli.node.enrolled import adopt_node_id
from unibos.cli.task_call import call_options, send_and_wait
from unibos.queues import node_queue


@click.command()
@call_options
def call(task: str, kwargs: dict[str, Any], timeout: float) -> None:
    """Run TASK on this node's own worker (`unibos worker`, queue node.<node id>), with
    this node as its origin; wait for it and print its result as JSON. Exit 1 if the
    task's rule keeps it on hubs, it failed, or the node is not enrolled."""
    configure_django()
    send_and_wait(task, kwargs, timeout, queue=node_queue(adopt_node_id()))
