"""The bare Celery app bench/tasks.py compares the UNIBOS path with: one no-op task and
Celery's defaults, on the broker BARE_CELERY_BROKER names (the bench's own Redis)."""

import os

from celery import Celery

app = Celery(
    "bare", broker=os.environ["BARE_CELERY_BROKER"], backend=os.environ["BARE_CELERY_BROKER"]
)


@app.task(name="bare.noop")
def noop() -> dict:
    return {}
