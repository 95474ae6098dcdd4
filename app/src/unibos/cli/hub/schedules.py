"""`unibos-hub schedules`: the tasks celery beat runs on the hub, and when."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import click

from unibos.cli import tables
from unibos.cli.hub import database

# This command's name for each field that unibos.dispatch.schedules refuses, quoted as
# click quotes the options it refuses itself.
OPTIONS = {
    "name": "'NAME'",
    "task": "'--task'",
    "every": "'--every'",
    "cron": "'--cron'",
    "kwargs": "'--kwargs'",
    "queue": "'--queue'",
}


@contextmanager
def _schedules() -> Iterator[ModuleType]:
    """unibos.dispatch.schedules once the settings are loaded; bad input exits 2 naming
    the option, an unknown schedule exits 1."""
    with database.system():
        from unibos.dispatch import schedules  # noqa: PLC0415

        try:
            yield schedules
        except schedules.ScheduleError as error:
            raise click.BadParameter(str(error), param_hint=OPTIONS[error.field]) from None
        except schedules.NoSuchSchedule as error:
            raise click.ClickException(str(error)) from None


def _timing(schedule: dict[str, Any]) -> str:
    if schedule["every"] is not None:
        return f"every {schedule['every']}s"
    return f"cron {schedule['cron']}"


@click.group()
def schedules() -> None:
    """Interval and cron schedules of tasks, kept in the hub's database (needs the hub's
    settings and database); beat picks up a change within seconds."""


@schedules.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the schedules as one JSON list.")
def list_schedules(as_json: bool) -> None:
    """Every schedule with its task, timing, queue, state and last run."""
    with _schedules() as found:
        documents = found.all_schedules()
    if as_json:
        click.echo(json.dumps(documents, indent=2))
        return
    rows = [
        (
            schedule["name"],
            schedule["task"],
            _timing(schedule),
            schedule["queue"] or "-",
            "enabled" if schedule["enabled"] else "disabled",
            schedule["last_run_at"] or "-",
            str(schedule["total_run_count"]),
        )
        for schedule in documents
    ]
    header = ("NAME", "TASK", "SCHEDULE", "QUEUE", "STATE", "LAST RUN", "RUNS")
    click.echo(tables.table(header, rows))


@schedules.command()
@click.argument("name")
@click.option("--task", required=True, help="The task to run, e.g. core.cleanup.")
@click.option("--every", type=click.IntRange(min=1), help="Run every this many seconds.")
@click.option("--cron", help='Run on this cron expression, UTC: "minute hour dom month dow".')
@click.option("--kwargs", "kwargs_json", help="The task's keyword arguments, a JSON object.")
@click.option("--queue", help="Send to this queue instead of the one the task's rule picks.")
def add(
    name: str,
    *,
    task: str,
    every: int | None,
    cron: str | None,
    kwargs_json: str | None,
    queue: str | None,
) -> None:
    """Schedule TASK as NAME, every N seconds or on a cron expression."""
    if (every is None) == (cron is None):
        raise click.UsageError("give exactly one of --every and --cron")
    try:
        kwargs = None if kwargs_json is None else json.loads(kwargs_json)
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint=OPTIONS["kwargs"]) from None
    with _schedules() as found:
        schedule = found.add(name, task, every=every, cron=cron, kwargs=kwargs, queue=queue)
    click.echo(f"added schedule {schedule['name']}: {schedule['task']} {_timing(schedule)}")


@schedules.command()
@click.argument("name")
def remove(name: str) -> None:
    """Delete schedule NAME."""
    with _schedules() as found:
        found.remove(name)
    click.echo(f"removed schedule {name}")


@schedules.command()
@click.argument("name")
def enable(name: str) -> None:
    """Run schedule NAME again; an interval counts from now."""
    with _schedules() as found:
        found.set_enabled(name, True)
    click.echo(f"enabled schedule {name}")


@schedules.command()
@click.argument("name")
def disable(name: str) -> None:
    """Stop running schedule NAME, keeping it."""
    with _schedules() as found:
        found.set_enabled(name, False)
    click.echo(f"disabled schedule {name}")
