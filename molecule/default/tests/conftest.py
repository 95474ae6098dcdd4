"""Fixtures for verifying a converged UNIBOS host from the outside.

The host is a podman container: Molecule's instance, or the `make up` dev host when
UNIBOS_TEST_HOST names it (`UNIBOS_TEST_HOST=unibos-dev pytest molecule/default/tests`).
Commands run in it through `podman exec` (testinfra's podman backend), which is much
faster than going through Ansible for each command.

Or one host of an inventory of separate machines, when UNIBOS_TEST_INVENTORY names that
inventory too (the Vagrant VMs: scripts/vagrant-test): commands then go over SSH as
the inventory says (testinfra's ansible backend), and a test runs only on a host in the
inventory groups it needs: those of its `on` marks, of the unit and of the port it is
given. A host that stands in every group (Molecule's, the dev host) runs them all.
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


ROOT = Path(__file__).resolve().parents[3]


def _inventory() -> str:
    """The inventory that names the host under test (and its groups and device)."""
    return (
        os.environ.get("UNIBOS_TEST_INVENTORY")
        or os.environ.get("MOLECULE_INVENTORY_FILE")
        or str(ROOT / "inventories/dev")
    )


def _host_name() -> str:
    if name := os.environ.get("UNIBOS_TEST_HOST"):
        return name
    return AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("hub")[0]


# The inventory group whose hosts run each unit, and each API port's: a test given a unit
# or a port (parametrized) applies to the hosts of that group.
UNIT_GROUPS = {
    "etcd": "etcd",
    "patroni": "patroni",
    "redis-server": "redis",
    "redis-sentinel": "redis_sentinel",
    "haproxy": "haproxy",
    "unibos-hub": "hub",
    "unibos-beat": "hub",
    "unibos-flower": "flower",
    "unibos-node": "node",
    "unibos-sync": "node",
    "unibos-node-worker": "node",
    "unibos-worker@core": "worker_core",
    "unibos-worker@ocr": "worker_ocr",
    "unibos-worker@media": "worker_media",
}
PORT_GROUPS = {HUB_PORT: "hub", NODE_PORT: "node"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "on(*groups): runs only on a host in every one of these inventory groups (the others "
        "skip it): what the test reads is there, or several parts it needs are on one host",
    )


def _groups_needed(item: pytest.Item) -> set[str]:
    needed = {group for mark in item.iter_markers("on") for group in mark.args}
    params = getattr(item, "callspec", None)
    if params is not None:
        if "unit" in params.params:
            needed.add(UNIT_GROUPS[params.params["unit"]])
        if "port" in params.params:
            needed.add(PORT_GROUPS[params.params["port"]])
    return needed


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip, with the reason, each test the host under test does not stand in the groups
    of. Skipped, not deselected: the report shows what was not checked on that host."""
    needs = {item: _groups_needed(item) for item in items}
    if not any(needs.values()):
        return
    host = _host_name()
    groups = set(AnsibleRunner(_inventory()).get_variables(host)["group_names"])
    for item, needed in needs.items():
        if missing := sorted(needed - groups):
            item.add_marker(pytest.mark.skip(reason=f"{host} is not in {', '.join(missing)}"))


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
        """Hub and node health 200. False, not an error, while one refuses connections:
        a unit of Type=exec counts as started before its server listens, so a test that
        has just started one asks before it can answer."""
        try:
            return all(self.health(port)[0] == 200 for port in (HUB_PORT, NODE_PORT))
        except AssertionError as error:
            if "ConnectionRefusedError" in str(error):
                return False
            raise


@pytest.fixture(scope="session")
def stack() -> Stack:
    if inventory := os.environ.get("UNIBOS_TEST_INVENTORY"):
        return Stack(testinfra.get_host(f"ansible://{_host_name()}", ansible_inventory=inventory))
    return Stack(testinfra.get_host(f"podman://{_host_name()}"))


# The device profiles of roles/unibos (unibos_device_profiles): what the units of the host
# are sized by and run as.
PROFILES = yaml.safe_load((ROOT / "roles/unibos/defaults/main.yml").read_text())[
    "unibos_device_profiles"
]


@pytest.fixture(scope="session")
def devices(stack: Stack) -> dict[str, str]:
    """unibos_device and node_device of the host, as its inventory names them (Molecule's:
    a desktop whose node runs as on a Pi Zero 2 W)."""
    variables = AnsibleRunner(_inventory()).get_variables(stack.hostname)
    device = variables["unibos_device"]
    return {"unibos_device": device, "node_device": variables.get("node_device", device)}


@pytest.fixture(scope="session")
def sync_unit(devices: dict[str, str]) -> str:
    """The unit that runs the node's sync agent: its own, or the node's worker where the
    node's profile runs the agent there (node_sync_in_worker)."""
    in_worker = PROFILES[devices["node_device"]]["node_sync_in_worker"]
    return "unibos-node-worker" if in_worker else "unibos-sync"
