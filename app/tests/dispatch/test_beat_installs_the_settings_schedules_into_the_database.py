"""Beat writes the settings' CELERY_BEAT_SCHEDULE (health check, monitor) into the hub's
database at every start, with the intervals of that start's environment, and keeps an
operator's `disable` of them."""

from collections.abc import Callable

import pytest
from unibos.dispatch import schedules

from tests.beat import BeatProcess, beat_environment, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

DB = 10


def schedule(name: str) -> dict | None:
    return next((found for found in schedules.all_schedules() if found["name"] == name), None)


def intervals(every: dict[str, int]) -> Callable[[], bool]:
    """Whether each schedule named is in the database with that interval in seconds."""

    def written() -> bool:
        return all(
            (found := schedule(name)) is not None and found["every"] == seconds
            for name, seconds in every.items()
        )

    return written


def run_beat(tmp_path, log: str, until: Callable[[], bool], **env: str) -> None:
    beat = BeatProcess(beat_environment(DB, **env), tmp_path / log)
    try:
        wait_for(until, "the settings' schedules in the database", beat)
    finally:
        # Not SIGTERM: beat may still be writing the rest of its start-up schedules, and
        # Celery's SIGTERM handler would then build a second scheduler in the middle of it.
        beat.kill()


def test_beat_installs_the_settings_schedules_and_keeps_them_disabled(redis_server, tmp_path):
    redis_server.client(db=DB).flushdb()

    run_beat(
        tmp_path,
        "beat-1.log",
        intervals({"health-check": 3600, "monitor": 900}),
        UNIBOS_HEALTH_CHECK_INTERVAL="3600",
        UNIBOS_MONITOR_INTERVAL="900",
    )
    installed = schedules.all_schedules()
    schedules.set_enabled("health-check", False)
    run_beat(
        tmp_path,
        "beat-2.log",
        intervals({"health-check": 1800}),
        UNIBOS_HEALTH_CHECK_INTERVAL="1800",
    )

    assert [(s["name"], s["task"], s["every"], s["cron"], s["enabled"]) for s in installed] == [
        ("celery.backend_cleanup", "celery.backend_cleanup", None, "0 4 * * *", True),
        ("health-check", "core.health_check", 3600, None, True),
        ("monitor", "dispatch.monitor", 900, None, True),
    ]
    assert schedule("health-check")["enabled"] is False
