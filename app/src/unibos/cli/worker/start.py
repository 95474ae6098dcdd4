import click
from django.conf import settings

from unibos.cli import celery_worker
from unibos.cli.django_setup import configure_django
from unibos.queues import GPU_QUEUE_BY_QUEUE, QUEUE_BY_WORKER_TYPE, node_queue, queue_problem


def _queue_list(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
    if value is None:
        return None
    queues = [queue.strip() for queue in value.split(",") if queue.strip()]
    if not queues:
        raise click.BadParameter("no queue given")
    problems = [problem for problem in map(queue_problem, queues) if problem]
    if problems:
        raise click.BadParameter("; ".join(problems))
    return queues


@click.command()
@click.option(
    "--type",
    "worker_type",
    type=click.Choice(sorted(QUEUE_BY_WORKER_TYPE)),
    help="Worker type; consumes its queue (core: default, ocr: ocr, media: media).",
)
@click.option(
    "--queues",
    callback=_queue_list,
    help="Comma-separated queues, instead of --type: default, ocr, media, ocr-gpu, "
    "media-gpu, node.<node id>, <organization>-<queue>.",
)
@click.option(
    "--gpu",
    is_flag=True,
    envvar="UNIBOS_WORKER_GPU",
    help="This host has a GPU for tasks: registers it, and --type consumes its GPU queue "
    "(ocr-gpu, media-gpu) instead of the CPU one.",
)
@celery_worker.concurrency_option
@celery_worker.loglevel_option
def start(
    worker_type: str | None,
    queues: list[str] | None,
    gpu: bool,
    concurrency: int | None,
    loglevel: str | None,
) -> None:
    """Run a Celery worker in this process until SIGTERM (warm shutdown).

    With UNIBOS_NODE_ID set (a node host), it also consumes node.<UNIBOS_NODE_ID>, the
    queue of the tasks that must not leave this node.
    """
    if worker_type and queues:
        raise click.UsageError("give --type or --queues, not both")
    if worker_type:
        queue = QUEUE_BY_WORKER_TYPE[worker_type]
        if gpu:
            if queue not in GPU_QUEUE_BY_QUEUE:
                raise click.UsageError(f"--type {worker_type} has no GPU queue; drop --gpu")
            queue, worker_type = GPU_QUEUE_BY_QUEUE[queue], f"{worker_type}-gpu"
        queues = [queue]
    elif queues:
        # The node name's type part then says which queues the worker serves.
        worker_type = "-".join(queues)
    else:
        raise click.UsageError("give --type (core, ocr, media) or --queues")

    configure_django()
    if settings.UNIBOS_NODE_ID:
        queues.append(node_queue(settings.UNIBOS_NODE_ID))
    celery_worker.run(worker_type, queues, concurrency, loglevel, gpu=gpu)
