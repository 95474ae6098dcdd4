"""Fixtures for verifying a converged UNIBOS host from the outside.

The host is a podman container: Molecule's instance, or the `make up` dev host when
UNIBOS_TEST_HOST names it (`UNIBOS_TEST_HOST=unibos-dev pytest molecule/default/tests`).
Commands run in it through `podman exec` (testinfra's podman backend), which is much
faster than going through Ansible for each command.
"""

from __future__ import annotations

import json
import os
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import testinfra
from testinfra.host import Host
from testinfra.utils.ansible_runner import AnsibleRunner

DATA_DIR = "/var/lib/unibos/data"
VENV_PYTHON = "/opt/unibos/current/bin/python"
HUB_PORT = 8000
NODE_PORT = 8001

# Fetches a URL inside the host and prints the status and the body on one line each;
# the host's own python3 is enough, so the check does not depend on curl.
_FETCH = (
    "import sys, urllib.request, urllib.error\n"
    "try:\n"
    "    r = urllib.request.urlopen(sys.argv[1], timeout=10)\n"
    "except urllib.error.HTTPError as e:\n"
    "    r = e\n"
    "print(r.status if hasattr(r, 'status') else r.code)\n"
    "print(r.read().decode())\n"
)


def _host_name() -> str:
    if name := os.environ.get("UNIBOS_TEST_HOST"):
        return name
    return AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("hub")[0]


def wait_for(check: Callable[[], Any], timeout: float, what: str, interval: float = 2.0) -> Any:
    """Return check()'s first truthy result, or fail naming what never happened."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"{what} did not happen within {timeout:.0f}s (last seen: {last!r})")


@dataclass
class Stack:
    """The converged host and the few ways the tests talk to it."""

    host: Host

    @property
    def hostname(self) -> str:
        return self.host.check_output("hostname")

    def health(self, port: int) -> tuple[int, dict[str, Any]]:
        out = self.host.check_output(
            f"python3 -c {shlex.quote(_FETCH)} http://127.0.0.1:{port}/api/health"
        )
        status, _, body = out.partition("\n")
        return int(status), json.loads(body)

    def call(self, task: str, timeout: int = 180, **kwargs: Any) -> dict[str, Any]:
        """Run a task through the broker with `unibos-worker call` and return its record."""
        cmd = self.host.run(
            "/usr/local/sbin/unibos-worker call %s --kwargs %s --timeout %s",
            task,
            json.dumps(kwargs),
            str(timeout),
        )
        assert cmd.rc == 0, f"{task} failed (rc={cmd.rc}): {cmd.stdout}{cmd.stderr}"
        return json.loads(cmd.stdout)

    def python(self, code: str) -> str:
        """Run code with the app's interpreter (Pillow is there) and return stdout."""
        return self.host.check_output(f"{VENV_PYTHON} -c {shlex.quote(code)}")

    def healthy(self) -> bool:
        return all(self.health(port)[0] == 200 for port in (HUB_PORT, NODE_PORT))


@pytest.fixture(scope="session")
def stack() -> Stack:
    return Stack(testinfra.get_host(f"podman://{_host_name()}"))
