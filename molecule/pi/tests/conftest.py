"""Fixtures for verifying the Pi (`pi` scenario) from the outside: the arm64 container
through testinfra's podman backend, and the node on its own.

The node needs a user who logged in through it while its hub answered: `lone_node`
logs in once through the node (the hub on the controller, prepare.yml's hub.py, still
reached over its relay), makes one authenticated request so that the node holds the
hub's signing keys, then stops the hub and its relay. Every test after that sees a node
whose hub is gone.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import testinfra
from testinfra.host import Host
from testinfra.utils.ansible_runner import AnsibleRunner
from unibos_controller.testbed.hosts import request
from unibos_controller.testbed.waiting import wait_until

# Each check of a wait is a command in the emulated host: every 3 s is often enough.
wait_for = functools.partial(wait_until, interval=3.0)

NODE_PORT = 8001
UNIBOS = "/usr/local/sbin/unibos"
HUB_SCRIPT = Path(__file__).resolve().parents[1] / "hub.py"


def hub_dir() -> Path:
    return Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "hub"


@dataclass
class LoneNode:
    host: Host
    # The hub-signed token of the login through the node while the hub answered.
    token: str
    username: str
    password: str

    def login(self):
        """`unibos login` on the node, the password on stdin: testinfra's result."""
        return login(self.host, self.username, self.password)

    def status(self) -> dict:
        return json.loads(self.host.check_output(f"{UNIBOS} status --json"))

    def sync_state(self) -> dict:
        return json.loads(self.host.check_output(f"{UNIBOS} sync --json"))

    def api(self, path: str, method: str = "GET", body=None, token: str | None = None):
        headers = {"Authorization": f"Bearer {token or self.token}"}
        status, text = request(
            self.host, f"http://127.0.0.1:{NODE_PORT}{path}", method, body, headers
        )
        return status, json.loads(text) if text.strip() else None


def login(host: Host, username: str, password: str):
    return host.run(f"printf '%%s\\n' %s | {UNIBOS} login %s --json", password, username)


@pytest.fixture(scope="session")
def host() -> Host:
    name = AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("node")[0]
    return testinfra.get_host(f"podman://{name}")


@pytest.fixture(scope="session")
def lone_node(host) -> LoneNode:
    hub = json.loads((hub_dir() / "hub.json").read_text())
    first = login(host, hub["username"], hub["password"])
    assert first.rc == 0, first.stderr
    # Through the hub: not a token the node signed itself.
    assert "warning" not in first.stderr, first.stderr
    token = json.loads(first.stdout)["access_token"]
    node = LoneNode(host, token, hub["username"], hub["password"])
    # A token whose key the node has not cached makes it fetch the hub's keys, once.
    status, body = node.api("/api/me")
    assert status == 200, body

    subprocess.run([sys.executable, str(HUB_SCRIPT), "stop", str(hub_dir())], check=True)
    assert not (hub_dir() / "hub.json").exists()
    return node
