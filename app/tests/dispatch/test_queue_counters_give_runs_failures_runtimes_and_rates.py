"""The worker counts each task it runs on its queue; the monitor reports runs,
failures, mean run time and the rate since its previous observation."""

from datetime import UTC, datetime, timedelta

import pytest
from celery.exceptions import CeleryError
from unibos.celery import app
from unibos.dispatch import monitor, stats
from unibos_controller.testbed.waiting import wait_until

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_three_runs_and_a_failure_in_a_minute_are_four_tasks_per_minute(
    redis_db, worker, call_task
):
    before = monitor.observe(redis_db, ["default"], 100, NOW)["queues"]["default"]
    for _ in range(3):
        call_task("core.cleanup", max_age_days=30)
    with pytest.raises((ValueError, CeleryError)):
        app.send_task("core.cleanup", kwargs={"max_age_days": -1}).get(timeout=60)

    # The worker stores a task's result before its task_postrun handler counts the run:
    # the caller may see a result a moment before the counter does.
    def counted():
        now = stats.counters(redis_db, ["default"])["default"]
        return (
            now.get("succeeded", 0) >= before["succeeded"] + 3
            and now.get("failed", 0) >= before["failed"] + 1
        )

    wait_until(counted, 30, "the worker to count the four runs", interval=0.1)

    after = monitor.observe(redis_db, ["default"], 100, NOW + timedelta(minutes=1))
    queue = after["queues"]["default"]

    assert queue["succeeded"] - before["succeeded"] == 3
    assert queue["failed"] - before["failed"] == 1
    assert queue["tasks_per_minute"] == 4.0
    assert queue["runtime_avg_s"] > 0
    assert queue["workers"] == [worker["name"]]
