"""The Celery app of every UNIBOS process, and the signal handlers that go with it.

In core, below the task distribution (`unibos.dispatch` sends tasks and reads the
registered ones through it) and the task packages; `unibos.celery` is the entry point
that `celery -A` and the CLIs name.
"""

import os
from typing import Any

from celery import Celery
from celery.signals import before_task_publish, worker_init
from django.core.management.base import SystemCheckError

from unibos.core.bootsteps import RegistryStep
from unibos.core.startup import fail_on_check_errors

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unibos.settings")
# Celery's Django fixup runs every system check when a worker imports its task modules,
# URL checks included, which import the URL conf and the whole HTTP API into a process
# that serves none. The worker_init handler below runs them all but those.
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")

# A dotted path, imported when the first task is made: every task, shared_task ones
# included, is then a UnibosTask (privacy, idempotency, retries, dead letters).
app = Celery("unibos", task_cls="unibos.dispatch.base:UnibosTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["worker"].add(RegistryStep)


@worker_init.connect
def refuse_to_start_on_check_errors(**kwargs: Any) -> None:
    # Celery logs and swallows an Exception from a signal handler, but lets
    # SystemExit through: the worker or beat then exits 1 with the messages on stderr.
    # Beat calls this from its scheduler (unibos.dispatch.scheduler): beat_init comes
    # only after the scheduler has written to the database.
    try:
        fail_on_check_errors(serves_http=False)
    except SystemCheckError as error:
        raise SystemExit(str(error)) from None


@before_task_publish.connect
def give_the_default_priority(properties: dict[str, Any], **kwargs: Any) -> None:
    # Celery applies task_default_priority in Task.apply_async only: app.send_task
    # (`submit`, `unibos-worker call`) would publish without a priority, which the Redis
    # transport takes for 0, the first served.
    if properties.get("priority") is None:
        properties["priority"] = app.conf.task_default_priority
