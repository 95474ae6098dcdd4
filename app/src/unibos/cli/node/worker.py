import click

from unibos.cli import celery_worker
from unibos.cli.django_setup import configure_django
from unibos.cli.node.enrolled import adopt_node_id
from unibos.queues import node_queue

# The node name's type part: the node's worker registers as node@<host>.
WORKER_TYPE = "node"


@click.command()
@celery_worker.concurrency_option
@celery_worker.pool_option
@celery_worker.loglevel_option
def worker(concurrency: int | None, pool: str, loglevel: str | None) -> None:
    """Run this node's own Celery worker until SIGTERM (warm shutdown).

    It consumes node.<node id> from the node's broker: the tasks that must not leave
    this node (cctv.* by default) and those a rule keeps local. The id is the one this
    node was enrolled with; exit 1 when it is not enrolled. `--pool threads` (a Pi
    Zero 2 W's profile) runs the tasks in threads of this process, without a second copy
    of the app; it enforces no time limit.
    """
    configure_django()
    node_id = adopt_node_id()
    celery_worker.run(WORKER_TYPE, [node_queue(node_id)], concurrency, loglevel, pool=pool)
