"""A Celery worker in this process, as the systemd units run it (`unibos-worker start`,
and `unibos worker` on a node)."""

import socket
from typing import NoReturn

import click
from django.conf import settings

from unibos.environment import LOG_LEVELS

# The options every command that runs a worker takes.
concurrency_option = click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    help="Prefork pool size [default: UNIBOS_WORKER_CONCURRENCY, else one per CPU].",
)
# The pools a worker may run: prefork (a child process per slot; a task's time limit is
# enforced by killing its child) and threads (tasks run in threads of the worker's own
# process: no second copy of the app in memory, and the worker's heartbeats go on while
# a task runs, but nothing stops a task past its time limit).
POOLS = ("prefork", "threads")
pool_option = click.option(
    "--pool",
    type=click.Choice(POOLS),
    default="prefork",
    show_default=True,
    help="Celery pool; threads runs the tasks in this process and enforces no time limit.",
)
loglevel_option = click.option(
    "--loglevel",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    help="[default: UNIBOS_LOG_LEVEL]",
)


def run(
    worker_type: str,
    queues: list[str],
    concurrency: int | None,
    loglevel: str | None,
    *,
    gpu: bool = False,
    pool: str = "prefork",
) -> NoReturn:
    """Consume `queues` until SIGTERM (warm shutdown), then exit with the worker's code.

    The node name is `<worker_type>@<host>`: the registry reads the type from it.
    """
    if pool not in POOLS:
        raise ValueError(f"pool must be one of {', '.join(POOLS)}, got {pool!r}")
    # The app reads the settings as it is imported: Django is configured by now.
    from unibos.celery import app  # noqa: PLC0415

    worker = app.Worker(
        hostname=f"{worker_type}@{socket.gethostname()}",
        queues=queues,
        concurrency=concurrency or settings.UNIBOS_WORKER_CONCURRENCY or None,
        loglevel=(loglevel or settings.UNIBOS_LOG_LEVEL).upper(),
        pool_cls=pool,
        unibos_gpu=gpu,
    )
    worker.start()
    raise SystemExit(worker.exitcode)
