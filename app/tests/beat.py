"""`celery -A unibos.celery beat` in a subprocess, as unibos-beat.service runs it, with
its schedules in the test database."""

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.db import connection
from unibos_controller.testbed.waiting import wait_until

CELERY = str(Path(sys.executable).with_name("celery"))
WAIT_SECONDS = 60

T = TypeVar("T")


def beat_environment(redis_db: int, **overrides: str) -> dict[str, str]:
    """The hub's environment of this session, on the test database (its schedules need
    `transactional_db` to be seen) and on Redis database `redis_db`.

    The settings' own schedules are pushed an hour out, so that only a test's schedules
    send anything while it runs.
    """
    return {
        **os.environ,
        "UNIBOS_DEPLOYMENT_TYPE": "hub",
        "UNIBOS_DB_NAME": connection.settings_dict["NAME"],
        "UNIBOS_REDIS_DB": str(redis_db),
        "UNIBOS_HEALTH_CHECK_INTERVAL": "3600",
        "UNIBOS_MONITOR_INTERVAL": "3600",
        **overrides,
    }


class BeatProcess:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log_path = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [CELERY, "-A", "unibos.celery", "beat", "--loglevel", "INFO"],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> int:
        """SIGTERM, as systemd stops unibos-beat."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=WAIT_SECONDS)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=WAIT_SECONDS)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def sent(self, name: str) -> int:
        """How many runs of schedule `name` this beat has sent, by its own log."""
        return self.output().count(f"Scheduler: Sending due task {name} (")


def wait_for(value: Callable[[], T], what: str, beat: BeatProcess | None = None) -> T:
    """The first truthy `value()`; fails naming `what`, with beat's output if it exited."""

    def beat_alive_and_value() -> T:
        if beat is not None:
            assert beat.process.poll() is None, f"beat exited; its output:\n{beat.output()}"
        return value()

    return wait_until(beat_alive_and_value, WAIT_SECONDS, what, interval=0.05)
