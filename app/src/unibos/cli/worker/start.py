import socket

import click
from django.conf import settings

from unibos.cli.setup import configure_django
from unibos.logs import LEVELS
from unibos.queues import QUEUE_BY_WORKER_TYPE, QUEUES


def _queue_list(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
    if value is None:
        return None
    queues = [queue.strip() for queue in value.split(",") if queue.strip()]
    unknown = [queue for queue in queues if queue not in QUEUES]
    if not queues or unknown:
        raise click.BadParameter(
            f"unknown queue(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(QUEUES)}"
        )
    return queues


@click.command()
@click.option(
    "--type",
    "worker_type",
    type=click.Choice(sorted(QUEUE_BY_WORKER_TYPE)),
    help="Worker type; consumes its queue (core: default, ocr: ocr, media: media).",
)
@click.option("--queues", callback=_queue_list, help="Comma-separated queues, instead of --type.")
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    help="Prefork pool size [default: UNIBOS_WORKER_CONCURRENCY, else one per CPU].",
)
@click.option(
    "--loglevel",
    type=click.Choice(LEVELS, case_sensitive=False),
    help="[default: UNIBOS_LOG_LEVEL]",
)
def start(
    worker_type: str | None,
    queues: list[str] | None,
    concurrency: int | None,
    loglevel: str | None,
) -> None:
    """Run a Celery worker in this process until SIGTERM (warm shutdown)."""
    if worker_type and queues:
        raise click.UsageError("give --type or --queues, not both")
    if worker_type:
        queues = [QUEUE_BY_WORKER_TYPE[worker_type]]
    elif queues:
        # The node name's type part then says which queues the worker serves.
        worker_type = "-".join(queues)
    else:
        raise click.UsageError("give --type (core, ocr, media) or --queues")

    configure_django()
    # The app reads the settings as it is imported.
    from unibos.celery import app  # noqa: PLC0415

    worker = app.Worker(
        hostname=f"{worker_type}@{socket.gethostname()}",
        queues=queues,
        concurrency=concurrency or settings.UNIBOS_WORKER_CONCURRENCY or None,
        loglevel=(loglevel or settings.UNIBOS_LOG_LEVEL).upper(),
        pool_cls="prefork",
    )
    worker.start()
    raise SystemExit(worker.exitcode)
