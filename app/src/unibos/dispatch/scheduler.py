"""The hub's celery beat scheduler: schedules in the hub's database, each run sent once.

django-celery-beat's DatabaseScheduler keeps the schedules (and the settings'
CELERY_BEAT_SCHEDULE, installed at start) in PostgreSQL, so they survive a restart and
follow the Patroni leader to another hub. Two additions make a run happen once:

- Each run's time is written right after it is sent (not every three minutes), so a
  restarted beat continues from the last run sent instead of repeating older ones.
- Each run has a task id derived from its schedule and the run before it. A beat killed
  between sending and writing sends the same run again after its restart, and so does
  a second beat during a leader change; both copies carry the same id, and a task that
  already completed under an id is not run again (unibos.core.once).
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from celery.utils.time import maybe_make_aware
from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry

from unibos.core.celery_app import refuse_to_start_on_check_errors

# Fixed forever: a new namespace would give an in-flight run a second id.
RUN_NAMESPACE = uuid.UUID("6f1d2c8e-3a51-4f0b-9c7e-2b4d8a9e5f10")


def run_id(name: str, previous_run_at: datetime) -> str:
    """The task id of the run of schedule `name` that follows the one at `previous_run_at`."""
    moment = maybe_make_aware(previous_run_at).astimezone(UTC).isoformat()
    return str(uuid.uuid5(RUN_NAMESPACE, f"{name}\n{moment}"))


class Scheduler(DatabaseScheduler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Write every run's time at once: the window in which a crash loses it is then
        # one send, which the run's id covers.
        super().__init__(*args, **{**kwargs, "sync_every_tasks": 1})

    def setup_schedule(self) -> None:
        # Beat builds its scheduler, which writes the settings' schedules to the
        # database, before it sends beat_init: refuse bad settings before that write.
        refuse_to_start_on_check_errors()
        super().setup_schedule()

    def apply_async(
        self, entry: ModelEntry, producer: Any = None, advance: bool = True, **kwargs: Any
    ) -> Any:
        # `entry` still holds the previous run's time (beat advances a copy), which is
        # what a restarted beat reads back when this run's time was never written.
        entry.options["task_id"] = run_id(entry.name, entry.last_run_at)
        return super().apply_async(entry, producer, advance, **kwargs)
