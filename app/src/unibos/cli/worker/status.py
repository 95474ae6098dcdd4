import json
from dataclasses import asdict

import click
import redis
from django.conf import settings

from unibos.cli.django_setup import configure_django
from unibos.core import registry
from unibos.core.broker import redis_client


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option(
    "--queue",
    "queues",
    multiple=True,
    help="A queue that needs a live worker (repeatable) [default: UNIBOS_HEALTH_QUEUES].",
)
def status(as_json: bool, queues: tuple[str, ...]) -> None:
    """List live workers; exit 1 when an expected queue has none."""
    configure_django()
    expected = list(queues) or list(settings.UNIBOS_HEALTH_QUEUES)
    try:
        workers = registry.live_workers(redis_client())
    except redis.RedisError as error:
        raise click.ClickException(f"cannot read the worker registry from Redis: {error}") from None
    consumers = registry.workers_by_queue(workers, expected)
    missing = [queue for queue, names in consumers.items() if not names]

    if as_json:
        document = {
            "workers": [asdict(worker) for worker in workers],
            "queues": consumers,
            "missing": missing,
        }
        click.echo(json.dumps(document, indent=2))
    else:
        for worker in workers:
            capabilities = worker.capabilities
            click.echo(
                f"{worker.name}  queues={','.join(worker.queues)}  "
                f"gpu={'yes' if capabilities.gpu else 'no'}  "
                f"memory={capabilities.memory_mb}MB  "
                f"tools={','.join(capabilities.tools) or '-'}  pid={worker.pid}  "
                f"version={worker.version}  seen={worker.seen_at}"
            )
        if not workers:
            click.echo("no live workers")
    for queue in missing:
        click.echo(f"error: no live worker consumes queue {queue}", err=True)
    if missing:
        raise SystemExit(1)
