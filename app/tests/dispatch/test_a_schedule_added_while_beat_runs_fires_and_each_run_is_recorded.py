"""A running beat picks up a schedule added to the database (`unibos-hub schedules add`)
without a restart, and records each run in the database as it sends it, so `schedules
list` shows the last run and a restarted beat continues from it."""

import pytest
from django_celery_beat.models import PeriodicTask
from unibos.dispatch import schedules
from unibos.dispatch.scheduler import run_id

from tests.beat import BeatProcess, beat_environment, wait_for
from tests.dispatch.scheduling import core_worker, drain, drill_runs

pytestmark = pytest.mark.django_db(transaction=True)

DB = 9
NAME = "added"
MARK = "added-while-running"


def test_a_schedule_added_while_beat_runs_fires_and_each_run_is_recorded(redis_server, tmp_path):
    client = redis_server.client(db=DB)
    client.flushdb()
    with core_worker(client, DB, tmp_path / "worker.log"):
        beat = BeatProcess(beat_environment(DB), tmp_path / "beat.log")
        try:
            # Beat writes the settings' schedules once it has read the database.
            wait_for(PeriodicTask.objects.filter(name="health-check").exists, "beat start", beat)
            schedules.add(NAME, "core.drill", every=2, kwargs={"mark": MARK})
            created = PeriodicTask.objects.get(name=NAME).date_changed
            # Read while beat still runs: Celery alone would record runs every 3 minutes.
            wait_for(
                lambda: PeriodicTask.objects.get(name=NAME).total_run_count >= 2,
                "two runs recorded",
                beat,
            )
        finally:
            stopped = beat.stop()
        final = drain(client, NAME, MARK)

    runs = drill_runs(client, MARK)
    assert stopped == 0, beat.output()
    assert runs[0] == run_id(NAME, created)
    assert len(runs) == len(set(runs)) == final.total_run_count
