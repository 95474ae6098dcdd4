"""The Celery probe: a long-lived submitter of tasks inside a hub, with the app's own
interpreter and environment, and the figures of its result."""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from typing import Any

from unibos_controller.testbed.ha.scenario import HUB_ENV, HUB_PYTHON, HUB_USER, PROBE_TASK, HAError
from unibos_controller.testbed.ha.writers import longest_gap

# The program the probe runs inside the hub: a module of this package that is never
# imported here (it needs the hub's Django settings), only read and sent to the hub.
PROBE_PROGRAM = "probe_program.py"
PROBE_SHELL = f'set -a; . {HUB_ENV}; set +a; exec runuser -u {HUB_USER} -- {HUB_PYTHON} - "$@"'


def program_source() -> str:
    """The probe program's source, as `python -` in the hub reads it from stdin."""
    return resources.files(__package__).joinpath(PROBE_PROGRAM).read_text()


def probe_command(
    hub: str, duration: float, interval: float, result_timeout: float, task: str = PROBE_TASK
) -> list[str]:
    """The probe in a hub: the app's interpreter as unibos-hub with the hub's environment."""
    return [
        "podman", "exec", "-i", hub, "sh", "-c", PROBE_SHELL, "sh",
        str(duration), str(interval), str(result_timeout), task,
    ]  # fmt: skip


class CeleryProbe:
    """A long-lived submitter of core.health_check (probe_program.py) and its result."""

    def __init__(self, command: Sequence[str], env: dict[str, str] | None = None) -> None:
        self.command = list(command)
        self.env = env
        self.events: list[dict[str, Any]] = []
        self.stderr: list[str] = []
        self._process: subprocess.Popen[str] | None = None
        self._ready = threading.Event()
        self._readers: list[threading.Thread] = []

    @classmethod
    def in_hub(
        cls, hub: str, duration: float, interval: float = 0.1, result_timeout: float = 60
    ) -> CeleryProbe:
        return cls(probe_command(hub, duration, interval, result_timeout))

    def start(self, ready_timeout: float = 120) -> CeleryProbe:
        self._process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
        )
        assert self._process.stdin is not None
        self._process.stdin.write(program_source())
        self._process.stdin.close()
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        if not self._ready.wait(ready_timeout):
            self.kill()
            raise HAError(f"the Celery probe did not start: {self._tail()}")
        return self

    def _read_stdout(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            with contextlib.suppress(ValueError):
                event = json.loads(line)
                self.events.append(event)
                if event.get("event") == "ready":
                    self._ready.set()
        self._ready.set()  # the probe ended (maybe failing): stop waiting for it

    def _read_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        for line in self._process.stderr:
            self.stderr = [*self.stderr[-49:], line.rstrip()]

    def _tail(self) -> str:
        return "\n".join(self.stderr[-15:]) or "(no output)"

    def kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def result(self, timeout: float) -> dict[str, Any]:
        """Wait for the probe to end and return its result event."""
        assert self._process is not None
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise HAError(f"the Celery probe did not end within {timeout:.0f} s") from None
        for reader in self._readers:
            reader.join(timeout=10)
        results = [event for event in self.events if event.get("event") == "result"]
        if self._process.returncode != 0 or not results:
            raise HAError(
                f"the Celery probe failed (rc={self._process.returncode}): {self._tail()}"
            )
        return results[-1]


def probe_since(
    result: dict[str, Any], fault_at: float, since: float | None = None
) -> dict[str, Any]:
    """The probe's figures for the tasks whose submission started at or after `since`.

    `since` defaults to `fault_at`; pass the moment the fault was certainly in effect
    (the kill command returned) to leave out a task the dying master may have taken.
    gap_s is the longest interval between two accepted submissions of tasks that
    completed, across `fault_at`: how long no work sent to Celery got done.
    """
    since = fault_at if since is None else since
    tasks = result.get("tasks", [])
    after = [task for task in tasks if task["sent_at"] >= since]
    states = Counter(task["state"] or "LOST" for task in after)
    gap = longest_gap(
        (task["accepted_at"] for task in tasks if task["state"] == "SUCCESS"), fault_at
    )
    return {
        "submitted": len(after),
        "completed": states["SUCCESS"],
        "failed": states["FAILURE"] + states["REVOKED"],
        "lost": states["LOST"],
        "states": dict(states),
        "workers": sorted({task["worker"] for task in after if task["worker"]}),
        "gap_s": None if gap is None else round(gap, 3),
    }
