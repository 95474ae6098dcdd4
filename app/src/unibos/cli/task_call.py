"""Send a task the UNIBOS way and wait for it: `unibos-worker call` and `unibos call`."""

import json
from collections.abc import Callable
from typing import Any

import click
from celery.exceptions import TimeoutError as CeleryTimeoutError


def _kwargs(ctx: click.Context, param: click.Parameter, value: str) -> dict[str, Any]:
    try:
        kwargs = json.loads(value)
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"not valid JSON: {error}") from None
    if not isinstance(kwargs, dict):
        raise click.BadParameter("must be a JSON object of keyword arguments")
    return kwargs


def call_options(command: Callable[..., None]) -> Callable[..., None]:
    """TASK, --kwargs and --timeout, as both CLIs take them."""
    command = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=60.0,
        show_default=True,
        help="Seconds to wait for the result.",
    )(command)
    command = click.option(
        "--kwargs",
        "kwargs",
        default="{}",
        callback=_kwargs,
        help="Keyword arguments as a JSON object.",
    )(command)
    return click.argument("task")(command)


def send_and_wait(
    task: str, kwargs: dict[str, Any], timeout: float, queue: str | None = None
) -> None:
    """Print the task's result as JSON; exit 1 if it was refused or failed.

    Its origin is this process's node (UNIBOS_NODE_ID; none off a node); its queue is
    `queue` when given (the router still refuses what the task's rule forbids), else
    the one its rule routes it to. Django must be configured.
    """
    from unibos.celery import app  # noqa: PLC0415

    app.loader.import_default_modules()
    if task not in app.tasks or task.startswith("celery."):
        known = sorted(name for name in app.tasks if not name.startswith("celery."))
        raise click.BadParameter(f"unknown task; known: {', '.join(known)}", param_hint="TASK")

    # Imported once Django is configured: submit reads the settings.
    from unibos.dispatch.privacy import PrivacyError  # noqa: PLC0415
    from unibos.dispatch.router import Misrouted, TooLarge  # noqa: PLC0415
    from unibos.dispatch.submit import submit  # noqa: PLC0415

    try:
        result = submit(task, kwargs=kwargs, queue=queue)
    except (PrivacyError, TooLarge, Misrouted) as error:
        raise click.ClickException(f"{task} was not sent: {error}") from None
    try:
        value = result.get(timeout=timeout, propagate=False)
    except CeleryTimeoutError:
        raise click.ClickException(
            f"{task} ({result.id}) did not finish within {timeout:g} s; is a worker for its "
            "queue running?"
        ) from None

    document: dict[str, Any] = {
        "task_id": result.id,
        "state": result.state,
        "worker": result.worker,
        "queue": result.queue,
        "result": value,
    }
    if result.failed():
        document["result"] = None
        document["error"] = f"{type(value).__name__}: {value}"
    click.echo(json.dumps(document, indent=2))
    if result.failed():
        click.echo(f"error: {task} failed: {document['error']}", err=True)
        raise SystemExit(1)
