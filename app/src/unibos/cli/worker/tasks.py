"""`unibos-worker tasks`: what the workers run, what waits in the queues, what failed."""

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

import click
import redis
from kombu.exceptions import OperationalError
from kombu.transport.redis import Channel

from unibos.cli.django_setup import configure_django
from unibos.core import registry
from unibos.core.broker import queue_lengths, redis_client
from unibos.dispatch import deadletters
from unibos.dispatch.privacy import PrivacyError
from unibos.dispatch.router import Misrouted, TooLarge
from unibos.queues import GPU_QUEUES, QUEUES, queue_problem

T = TypeVar("T")

# Celery's inspect calls, by the state they report a task in.
INSPECTIONS = {"running": "active", "reserved": "reserved", "scheduled": "scheduled"}


def _json_option(command: Callable[..., T]) -> Callable[..., T]:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(command)


def _from_redis(what: str, read: Callable[[redis.Redis], T]) -> T:
    configure_django()
    try:
        return read(redis_client())
    except (redis.RedisError, OperationalError) as error:
        raise click.ClickException(f"cannot read {what} from Redis: {error}") from None


@click.group()
def tasks() -> None:
    """Tasks the workers run, the queues hold and the dead letters keep."""


@tasks.command()
@_json_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=2.0,
    show_default=True,
    help="Seconds to wait for the workers' answers.",
)
def running(as_json: bool, timeout: float) -> None:
    """Tasks the live workers run, hold next (reserved) or keep for their ETA (scheduled).

    Exit 1 naming each live worker that did not answer within the timeout.
    """
    workers = [worker.name for worker in _from_redis("the worker registry", registry.live_workers)]
    from unibos.celery import app  # noqa: PLC0415 - reads the settings as it is imported

    found: list[dict[str, Any]] = []
    answered = set(workers)
    if workers:
        inspect = app.control.inspect(destination=workers, timeout=timeout, limit=len(workers))
        for state, method in INSPECTIONS.items():
            try:
                replies = getattr(inspect, method)() or {}
            except OperationalError as error:
                raise click.ClickException(f"cannot ask the workers: {error}") from None
            answered &= set(replies)
            found.extend(
                _task(worker, state, entry)
                for worker, entries in replies.items()
                for entry in entries
            )
    silent = sorted(set(workers) - answered)

    if as_json:
        click.echo(json.dumps({"tasks": found, "silent": silent}, indent=2))
    else:
        for task in found:
            eta = f"  eta={task['eta']}" if task.get("eta") else ""
            click.echo(f"{task['worker']}  {task['state']}  {task['id']}  {task['name']}{eta}")
        if not workers:
            click.echo("no live workers")
        elif not found:
            click.echo("no tasks on the live workers")
    for worker in silent:
        click.echo(f"error: worker {worker} did not answer within {timeout:g} s", err=True)
    if silent:
        raise SystemExit(1)


def _task(worker: str, state: str, entry: dict[str, Any]) -> dict[str, Any]:
    # A scheduled entry wraps the request with its ETA; the others are the request.
    request = entry.get("request", entry)
    return {
        "worker": worker,
        "state": state,
        "id": request["id"],
        "name": request["name"],
        "args": request.get("args"),
        "kwargs": request.get("kwargs"),
        "eta": entry.get("eta"),
    }


@tasks.command()
@_json_option
def queued(as_json: bool) -> None:
    """Tasks waiting in each queue, at every priority, and those a worker holds unacked."""

    def read(client: redis.Redis) -> tuple[dict[str, int], int]:
        return queue_lengths(client, _known_queues(client)), client.hlen(Channel.unacked_key)

    lengths, unacked = _from_redis("the queues", read)
    if as_json:
        click.echo(json.dumps({"queues": lengths, "unacked": unacked}, indent=2))
        return
    width = max(map(len, lengths))
    for queue, length in lengths.items():
        click.echo(f"{queue:<{width}}  {length}")
    click.echo(f"unacked: {unacked} (delivered to a worker: running, reserved or awaiting an ETA)")


def _known_queues(client: redis.Redis) -> list[str]:
    """The standard queues, and every other one a publish or a worker declared (a node's,
    an organization's), as kombu's binding tables list them."""
    declared = {
        member.split(Channel.sep)[-1]
        for table in client.scan_iter(match=Channel.keyprefix_queue % "*")
        for member in client.smembers(table)
    }
    # The tables also bind Celery's own reply and broadcast queues, which are not queues
    # of tasks.
    return sorted(q for q in {*QUEUES, *GPU_QUEUES, *declared} if queue_problem(q) is None)


@tasks.command()
@_json_option
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Show at most this many, the latest first.",
)
def dead(as_json: bool, limit: int) -> None:
    """Tasks that failed for good: re-run one with `tasks rerun ID`, or `tasks discard ID`."""

    def read(client: redis.Redis) -> tuple[list[deadletters.DeadLetter], int]:
        return deadletters.newest(client, limit), deadletters.count(client)

    letters, total = _from_redis("the dead letters", read)
    if as_json:
        document = {"dead": [asdict(letter) for letter in letters], "total": total}
        click.echo(json.dumps(document, indent=2))
        return
    for letter in letters:
        click.echo(
            f"{letter.failed_at}  {letter.id}  {letter.name}  reason={letter.reason}  "
            f"retries={letter.retries}  queue={letter.queue}  worker={letter.worker}"
        )
        click.echo(f"    {letter.error}")
    if not letters:
        click.echo("no dead letters")
    elif total > len(letters):
        click.echo(f"({total - len(letters)} older not shown; see --limit)")


@tasks.command()
@click.argument("task_id")
def rerun(task_id: str) -> None:
    """Publish dead-lettered task TASK_ID again and drop its dead letter.

    The task is routed afresh and gets a new task id, which is printed.
    """
    configure_django()
    try:
        new_id = deadletters.rerun(redis_client(), task_id)
    except deadletters.UnknownDeadLetter as error:
        raise click.ClickException(str(error)) from None
    except (PrivacyError, TooLarge, Misrouted) as error:
        raise click.ClickException(f"cannot re-run {task_id}: {error}") from None
    except (redis.RedisError, OperationalError) as error:
        raise click.ClickException(f"cannot re-run {task_id}: Redis: {error}") from None
    click.echo(new_id)


@tasks.command()
@click.argument("task_id")
def discard(task_id: str) -> None:
    """Drop the dead letter of TASK_ID for good, without running it."""
    configure_django()
    try:
        letter = deadletters.discard(redis_client(), task_id)
    except deadletters.UnknownDeadLetter as error:
        raise click.ClickException(str(error)) from None
    except redis.RedisError as error:
        raise click.ClickException(f"cannot discard {task_id}: Redis: {error}") from None
    click.echo(f"discarded {letter.id} ({letter.name}, {letter.error})")
