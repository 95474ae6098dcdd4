"""The hub's schedules: list, add, remove, enable and disable them.

A schedule is a django-celery-beat `PeriodicTask` row with an interval in seconds or a
cron expression (UTC); beat (unibos.dispatch.scheduler) notices a change within
seconds. Every check runs before anything is written, so bad input changes nothing.
An error names the field at fault (`ScheduleError.field`), for the CLI and an API to
translate into their own names.
"""

import inspect
import json
import re
from typing import Any

from celery.schedules import crontab
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from unibos.core.celery_app import app

# Installed by django-celery-beat's scheduler itself whenever results expire.
BACKEND_CLEANUP = "celery.backend_cleanup"
MAX_NAME_LENGTH = 200
CRON_FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
# Queue names UNIBOS routes to: `default`, `ocr-gpu`, `node.<uuid>`, `<org>-<queue>`.
QUEUE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


class ScheduleError(ValueError):
    """Input refused; `field` is the argument at fault (name, task, every, cron, kwargs, queue)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NoSuchSchedule(LookupError):
    """No schedule has that name."""


def describe(periodic: PeriodicTask) -> dict[str, Any]:
    """A schedule as JSON: `every` (seconds) or `cron`, the other null."""
    cron = periodic.crontab
    return {
        "name": periodic.name,
        "task": periodic.task,
        "every": int(periodic.interval.schedule.run_every.total_seconds())
        if periodic.interval
        else None,
        "cron": " ".join(getattr(cron, field) for field in CRON_FIELDS) if cron else None,
        "kwargs": json.loads(periodic.kwargs or "{}"),
        "queue": periodic.queue,
        "enabled": periodic.enabled,
        "last_run_at": periodic.last_run_at.isoformat() if periodic.last_run_at else None,
        "total_run_count": periodic.total_run_count,
    }


def all_schedules() -> list[dict[str, Any]]:
    periodic = PeriodicTask.objects.select_related("interval", "crontab").order_by("name")
    return [describe(row) for row in periodic]


def add(
    name: str,
    task: str,
    *,
    every: int | None = None,
    cron: str | None = None,
    kwargs: Any = None,
    queue: str | None = None,
) -> dict[str, Any]:
    """Schedule `task` every `every` seconds or on `cron` ("m h dom mon dow", UTC)."""
    arguments = {} if kwargs is None else kwargs
    _check_name(name)
    _check_call(task, arguments)
    if queue is not None and not QUEUE_NAME.fullmatch(queue):
        raise ScheduleError("queue", f"{queue!r} is not a queue name")
    if (every is None) == (cron is None):
        raise ScheduleError("every", "give either an interval in seconds or a cron expression")
    if every is not None and every < 1:
        raise ScheduleError("every", f"the interval must be at least 1 second, not {every}")
    fields = _cron_fields(cron) if cron is not None else None
    try:
        with transaction.atomic():
            if PeriodicTask.objects.filter(name=name).exists():
                raise ScheduleError("name", f"a schedule named {name!r} exists already")
            periodic = PeriodicTask(name=name, task=task, kwargs=json.dumps(arguments), queue=queue)
            if fields is not None:
                periodic.crontab = _reuse(CrontabSchedule, **fields, timezone="UTC")
            else:
                periodic.interval = _reuse(
                    IntervalSchedule, every=every, period=IntervalSchedule.SECONDS
                )
            periodic.save()
    except IntegrityError:
        # Another writer took the name between the check and the insert.
        raise ScheduleError("name", f"a schedule named {name!r} exists already") from None
    return describe(periodic)


def remove(name: str) -> None:
    if name in _installed_by_beat():
        raise ScheduleError(
            "name", f"beat installs {name!r} at every start; disable it instead of removing it"
        )
    _get(name).delete()


def set_enabled(name: str, enabled: bool) -> dict[str, Any]:
    """Enable or disable a schedule; a re-enabled one counts its interval from now."""
    periodic = _get(name)
    periodic.enabled = enabled
    periodic.save()
    return describe(periodic)


def known_tasks() -> list[str]:
    """The tasks a schedule may run: every UNIBOS task the Celery app registers."""
    # Task modules register on import; beat and workers import them at start, a CLI
    # process only once asked to.
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def _check_name(name: str) -> None:
    if not name or name != name.strip() or len(name) > MAX_NAME_LENGTH:
        raise ScheduleError(
            "name",
            f"{name!r} is not a schedule name (1 to {MAX_NAME_LENGTH} characters, no "
            "surrounding spaces)",
        )
    if name in _installed_by_beat():
        raise ScheduleError("name", f"{name!r} is the hub's own schedule, installed by beat")


def _check_call(task: str, kwargs: Any) -> None:
    known = known_tasks()
    if task not in known:
        raise ScheduleError("task", f"unknown task {task!r}; known: {', '.join(known)}")
    if not isinstance(kwargs, dict):
        raise ScheduleError("kwargs", f"must be a JSON object, not {json.dumps(kwargs)}")
    try:
        inspect.signature(app.tasks[task].run).bind(**kwargs)
    except TypeError as error:
        raise ScheduleError("kwargs", f"{task} cannot take {json.dumps(kwargs)}: {error}") from None


def _cron_fields(expression: str) -> dict[str, str]:
    values = expression.split()
    if len(values) != len(CRON_FIELDS):
        raise ScheduleError(
            "cron",
            f"{expression!r} is not five fields (minute hour day-of-month month day-of-week)",
        )
    fields = dict(zip(CRON_FIELDS, values, strict=True))
    try:
        CrontabSchedule(**fields, timezone="UTC").full_clean()
        # Beat reads the row through Celery's crontab, which is stricter in places.
        crontab(**fields)
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        raise ScheduleError(
            "cron", f"{expression!r} is not a cron expression: {problems}"
        ) from None
    except ValueError as error:
        raise ScheduleError("cron", f"{expression!r} is not a cron expression: {error}") from None
    return fields


def _reuse(
    model: type[CrontabSchedule] | type[IntervalSchedule], **fields: Any
) -> CrontabSchedule | IntervalSchedule:
    """The first existing row with these fields (they are not unique), or a new one."""
    found = model.objects.filter(**fields).first()
    return found if found is not None else model.objects.create(**fields)


def _installed_by_beat() -> set[str]:
    return {*app.conf.beat_schedule, BACKEND_CLEANUP}


def _get(name: str) -> PeriodicTask:
    periodic = PeriodicTask.objects.select_related("interval", "crontab").filter(name=name).first()
    if periodic is None:
        raise NoSuchSchedule(f"no schedule named {name!r}")
    return periodic
