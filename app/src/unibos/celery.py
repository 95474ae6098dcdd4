"""The Celery app of every UNIBOS process: `celery -A unibos.celery`, `unibos-worker`."""

import os
from typing import Any

from celery import Celery
from celery.signals import beat_init, worker_init
from django.core.management.base import SystemCheckError

from unibos.core.bootsteps import RegistryStep
from unibos.core.startup import fail_on_check_errors

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unibos.settings")

app = Celery("unibos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["worker"].add(RegistryStep)


@worker_init.connect
@beat_init.connect
def refuse_to_start_on_check_errors(**kwargs: Any) -> None:
    # Celery logs and swallows an Exception from a signal handler, but lets
    # SystemExit through: the worker or beat then exits 1 with the messages on stderr.
    try:
        fail_on_check_errors()
    except SystemCheckError as error:
        raise SystemExit(str(error)) from None
