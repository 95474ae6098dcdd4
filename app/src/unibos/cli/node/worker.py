import click
from celery.platforms import EX_FAILURE
from celery.worker import state as worker_state

from unibos.cli import celery_worker
from unibos.cli.django_setup import configure_django
from unibos.cli.node.enrolled import adopt_node_id
from unibos.cli.node.sync import SyncThread
from unibos.node.config import NodeConfig
from unibos.node.state import BrokenState, NotEnrolled
from unibos.queues import node_queue

# The node name's type part: the node's worker registers as node@<host>.
WORKER_TYPE = "node"


def _stop_this_worker() -> None:
    # Celery's warm shutdown, as its SIGTERM handler asks for it but with exit code 1:
    # the running tasks finish, the unstarted ones go back to the queue. No signal: one
    # sent before Celery's handler is installed would kill the process as a clean stop,
    # which systemd does not restart.
    worker_state.should_stop = EX_FAILURE


@click.command()
@celery_worker.concurrency_option
@celery_worker.pool_option
@click.option(
    "--with-sync",
    is_flag=True,
    help=(
        "Run the sync agent (unibos sync --watch) as a thread of this worker: one process "
        "for both. A failure of the agent stops the worker, which exits 1."
    ),
)
@celery_worker.loglevel_option
def worker(concurrency: int | None, pool: str, with_sync: bool, loglevel: str | None) -> None:
    """Run this node's own Celery worker until SIGTERM (warm shutdown).

    It consumes node.<node id> from the node's broker: the tasks that must not leave
    this node (cctv.* by default) and those a rule keeps local. The id is the one this
    node was enrolled with; exit 1 when it is not enrolled. `--pool threads` (a Pi
    Zero 2 W's profile) runs the tasks in threads of this process, without a second copy
    of the app; it enforces no time limit. `--with-sync` (the Pi Zero 2 W's profile
    too) runs the sync agent in this process as well: when the agent fails, the worker
    stops (warm) and exits 1, so that systemd restarts both; SIGTERM stops both, the
    agent after its round in flight.
    """
    configure_django()
    node_id = adopt_node_id()
    agent = None
    if with_sync:
        state = NodeConfig.from_settings().state
        try:
            credential = state.credential()
        except (NotEnrolled, BrokenState) as error:
            raise click.ClickException(str(error)) from None
        agent = SyncThread(state.identity(), credential, on_failure=_stop_this_worker)
        agent.start()
        if agent.failure is not None:
            raise click.ClickException(f"the sync agent could not start: {agent.failure}")
    try:
        celery_worker.run(WORKER_TYPE, [node_queue(node_id)], concurrency, loglevel, pool=pool)
    except SystemExit as done:
        if agent is None:
            raise
        agent.stop()
        if agent.failure is not None:
            raise click.ClickException(f"stopped: the sync agent failed: {agent.failure}") from None
        raise SystemExit(done.code) from None
