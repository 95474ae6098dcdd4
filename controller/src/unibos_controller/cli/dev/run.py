"""`unibos-dev run`: the colocated stack from the checkout's source tree."""

from __future__ import annotations

import sys

import click

from unibos_controller.cli.dev import common
from unibos_controller.devstack import database, stack


@click.command()
@click.option("--hub-port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--node-port", type=click.IntRange(1, 65535), default=8001, show_default=True)
def run(hub_port: int, node_port: int) -> None:
    """Run the hub (runserver on 127.0.0.1:--hub-port), the node (--node-port), a Celery
    worker per queue (default, ocr, media) and beat from the checkout's app/src, with a
    PostgreSQL and a Redis of their own; no containers. The hub and the node reload on a
    code change (Django's autoreloader), the workers and beat are restarted on a change
    to a .py file under app/src. PostgreSQL's data is kept in .dev-state/ between runs.

    Ctrl-C (or SIGTERM) stops every child and exits 0; a child that ends by itself ends
    the run with exit 1, naming it; a port taken is refused with exit 2."""
    checkout = common.checkout()
    try:
        code = stack.run(checkout, hub_port, node_port, sys.stdout)
    except stack.Refused as error:
        raise common.refused(str(error)) from None
    except (stack.Failed, database.Failed) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(1) from None
    raise SystemExit(code)
