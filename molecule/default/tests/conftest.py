"""Fixtures for verifying a converged UNIBOS host from the outside.

The host is a podman container: Molecule's instance, or the `make up` dev host when
UNIBOS_TEST_HOST names it (`UNIBOS_TEST_HOST=unibos-dev pytest molecule/default/tests`).
Commands run in it through `podman exec` (testinfra's podman backend), which is much
faster than going through Ansible for each command.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import testinfra
import yaml
from testinfra.host import Host
from testinfra.utils.ansible_runner import AnsibleRunner
from unibos_controller.testbed.hosts import fetch, request
from unibos_controller.testbed.waiting import wait_until

# Each check of a wait is a command in the host (podman exec): every 2 s is often enough.
# An error while checking fails the test at once (pass errors_are_not_yet to wait it out).
wait_for = functools.partial(wait_until, interval=2.0)

DATA_DIR = "/var/lib/unibos/data"
VENV_PYTHON = "/opt/unibos/current/bin/python"
HUB_PORT = 8000
NODE_PORT = 8001


def _host_name() -> str:
    if name := os.environ.get("UNIBOS_TEST_HOST"):
        return name
    return AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("hub")[0]


@dataclass
class Stack:
    """The converged host and the few ways the tests talk to it."""

    host: Host

    @property
    def hostname(self) -> str:
        return self.host.check_output("hostname")

    def health(self, port: int) -> tuple[int, dict[str, Any]]:
        status, body = fetch(self.host, f"http://127.0.0.1:{port}/api/health")
        return status, json.loads(body)

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

    def hub_python(self, code: str) -> str:
        """Run code in the hub's Django shell (its settings, database and Redis): stdout."""
        return self.host.check_output(
            f"/usr/local/sbin/unibos-manage hub shell --no-imports -c {shlex.quote(code)}"
        )

    def token(self, port: int, role: str) -> str:
        """An access token from the API on `port` for a new user of organization home
        (inventories/dev) with `role`."""
        username, password = f"verify-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
        self.host.check_output(
            f"printf '%s\\n' {password} | /usr/local/sbin/unibos-hub users create {username} "
            "--password-stdin"
        )
        self.host.check_output(
            f"/usr/local/sbin/unibos-hub users add {username} --org home --role {role}"
        )
        login = {"username": username, "password": password}
        # The hub serves several organizations and asks which; a node serves one.
        if port == HUB_PORT:
            login["organization"] = "home"
        status, body = request(self.host, f"http://127.0.0.1:{port}/api/auth/token", "POST", login)
        assert status == 200, body
        return json.loads(body)["access_token"]

    def python(self, code: str) -> str:
        """Run code with the app's interpreter (Pillow is there) and return stdout."""
        return self.host.check_output(f"{VENV_PYTHON} -c {shlex.quote(code)}")

    def healthy(self) -> bool:
        return all(self.health(port)[0] == 200 for port in (HUB_PORT, NODE_PORT))


@pytest.fixture(scope="session")
def stack() -> Stack:
    return Stack(testinfra.get_host(f"podman://{_host_name()}"))


# The device profiles of roles/unibos (unibos_device_profiles): what the units of the host
# are sized by and run as.
ROOT = Path(__file__).resolve().parents[3]
PROFILES = yaml.safe_load((ROOT / "roles/unibos/defaults/main.yml").read_text())[
    "unibos_device_profiles"
]


@pytest.fixture(scope="session")
def devices(stack: Stack) -> dict[str, str]:
    """unibos_device and node_device of the host, as its inventory names them (Molecule's:
    a desktop whose node runs as on a Pi Zero 2 W)."""
    inventory = os.environ.get("MOLECULE_INVENTORY_FILE") or str(ROOT / "inventories/dev")
    variables = AnsibleRunner(inventory).get_variables(stack.hostname)
    device = variables["unibos_device"]
    return {"unibos_device": device, "node_device": variables.get("node_device", device)}


@pytest.fixture(scope="session")
def sync_unit(devices: dict[str, str]) -> str:
    """The unit that runs the node's sync agent: its own, or the node's worker where the
    node's profile runs the agent there (node_sync_in_worker)."""
    in_worker = PROFILES[devices["node_device"]]["node_sync_in_worker"]
    return "unibos-node-worker" if in_worker else "unibos-sync"
