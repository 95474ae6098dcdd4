"""The hub as a real process that a test can kill with SIGKILL: gunicorn serving
unibos.wsgi as the hub's unit runs it, on a port of its own that it keeps across
restarts, on the test's database.

The test's own hub (live_server) runs in the test's process and cannot be killed.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.error import URLError

from unibos_controller.testbed.servers import free_port

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# Generous: gunicorn boots Django and runs the system checks, and the CI may be busy.
START_TIMEOUT_SECONDS = 30.0
# /api/ready, not /api/health: readiness needs PostgreSQL and Redis, not the workers
# that the health report also counts, and that these tests do not start.
READY_PATH = "/api/ready"

# No proxy from the environment: the hub is on this host.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class HubProcess:
    def __init__(self, database: str, log: Path) -> None:
        """A hub on `database` (the test database, where the fixtures' organization,
        keys and nodes are); gunicorn's output goes to `log`, kept across restarts."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environment = {**os.environ, "UNIBOS_DB_NAME": database}
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        # Set before the signal is sent: a request failing after it may be the kill's.
        self.killed = False

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> "HubProcess":
        """Start gunicorn and return once the hub answers."""
        self.killed = False
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [GUNICORN, "unibos.wsgi:application", "--bind", f"127.0.0.1:{self.port}"],
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group, so that one signal reaches the master and its
                # workers at once, as a power cut would.
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._ready():
            if not self.alive or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"gunicorn did not start; its output:\n{self.output()}")
            time.sleep(0.05)
        return self

    def kill(self) -> None:
        """SIGKILL to the master and every worker: no request in flight is finished."""
        if self.alive:
            assert self.process is not None
            self.killed = True
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def _ready(self) -> bool:
        try:
            with _opener.open(f"{self.url}{READY_PATH}", timeout=1) as response:
                return response.status == 200
        except (URLError, OSError):
            return False
