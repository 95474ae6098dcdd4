"""A schedule in the hub's database runs each due time once, never before it, across a
beat stopped by SIGTERM and across a beat killed between sending a run and recording it.

Real processes: `celery beat` on the test database (unibos.dispatch.scheduler) and a
core worker running `core.drill`, which appends its task id to `unibos:drill:<mark>`
once per task id. Times compared are the ones beat recorded (`last_run_at`, when it
sent a run) and the ones the worker recorded (`date_done`), never the test's clock.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.db import connection, transaction
from django_celery_beat.models import PeriodicTask
from unibos.dispatch import schedules
from unibos.dispatch.scheduler import run_id
from unibos_controller.testbed.workers import WorkerProcess

from tests.beat import BeatProcess, beat_environment, wait_for
from tests.dispatch.scheduling import core_worker, done_at, drain, drill_runs

pytestmark = pytest.mark.django_db(transaction=True)

DB = 8
NAME = "drill"
MARK = "beat-restart"
EVERY = 4
DUPLICATE = "was delivered again after it completed"
# Only beat and this test use the test database: a session waiting on a lock is beat's.
BLOCKED_BACKENDS = """
    SELECT {action} FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock'
"""


@pytest.fixture
def client(redis_server):
    client = redis_server.client(db=DB)
    client.flushdb()
    return client


@pytest.fixture
def worker(client, tmp_path) -> Iterator[WorkerProcess]:
    with core_worker(client, DB, tmp_path / "worker.log") as process:
        yield process


def schedule() -> datetime:
    """The drill every EVERY seconds; returns the time its first interval counts from."""
    schedules.add(NAME, "core.drill", every=EVERY, kwargs={"mark": MARK})
    return recorded().date_changed


def recorded() -> PeriodicTask:
    return PeriodicTask.objects.get(name=NAME)


def ran(client) -> list[str]:
    return drill_runs(client, MARK)


def recording_blocked() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(BLOCKED_BACKENDS.format(action="count(*)"))
        return cursor.fetchone()[0] > 0


def terminate_blocked() -> None:
    with connection.cursor() as cursor:
        cursor.execute(BLOCKED_BACKENDS.format(action="pg_terminate_backend(pid)"))
    wait_for(lambda: not recording_blocked(), "end of the killed beat's session")


def test_a_beat_stopped_before_a_due_time_and_restarted_runs_it_once_on_time(
    client, worker, tmp_path
):
    env = beat_environment(DB)
    created = schedule()

    first = BeatProcess(env, tmp_path / "beat-1.log")
    wait_for(lambda: ran(client), "first run", first)
    assert first.stop() == 0, first.output()
    stopped = recorded()
    before = stopped.total_run_count
    second = BeatProcess(env, tmp_path / "beat-2.log")
    # Stopped once it has recorded that run: a SIGTERM between sending a run and
    # recording it leaves it to the next beat (the test below), not this one.
    wait_for(
        lambda: len(ran(client)) > before and recorded().total_run_count > before,
        "run after the restart, recorded",
        second,
    )
    assert second.stop() == 0, second.output()
    final = drain(client, NAME, MARK)

    runs = ran(client)
    assert runs[0] == run_id(NAME, created)
    # The run after the restart is the one due after the last run the first beat sent.
    assert runs[before] == run_id(NAME, stopped.last_run_at)
    assert len(runs) == len(set(runs)) == final.total_run_count
    assert stopped.last_run_at >= created + timedelta(seconds=before * EVERY)
    assert done_at(client, runs[0]) >= created + timedelta(seconds=EVERY)
    assert done_at(client, runs[before]) >= stopped.last_run_at + timedelta(seconds=EVERY)
    assert DUPLICATE not in worker.output()


def test_a_beat_killed_after_sending_a_run_resends_it_and_it_runs_once(client, worker, tmp_path):
    env = beat_environment(DB)
    created = schedule()

    with transaction.atomic():
        # Hold the schedule's row: beat sends the run, then waits here to record it.
        PeriodicTask.objects.select_for_update().get(name=NAME)
        killed = BeatProcess(env, tmp_path / "beat-1.log")
        wait_for(lambda: ran(client), "first run", killed)
        wait_for(recording_blocked, "beat recording its run", killed)
        killed.kill()
        # The kill takes beat's database session with it, unrecorded update and all.
        terminate_blocked()
    unrecorded = recorded()
    restarted = BeatProcess(env, tmp_path / "beat-2.log")
    # Stopped once it has recorded its second run, not between sending one and recording
    # it (what the kill above is for).
    wait_for(
        lambda: len(ran(client)) >= 2 and recorded().total_run_count >= 2,
        "run after the restart, recorded",
        restarted,
    )
    assert restarted.stop() == 0, restarted.output()
    final = drain(client, NAME, MARK)

    assert (unrecorded.last_run_at, unrecorded.total_run_count) == (None, 0)
    runs = ran(client)
    assert runs[0] == run_id(NAME, created)
    assert len(runs) == len(set(runs)) == final.total_run_count
    # Sent by both beats, run once: the second delivery found the first one's result.
    assert killed.sent(NAME) + restarted.sent(NAME) == final.total_run_count + 1
    assert worker.output().count(f"[{runs[0]}] {DUPLICATE}") == 1
    assert done_at(client, runs[0]) >= created + timedelta(seconds=EVERY)
