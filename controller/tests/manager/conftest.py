"""Containers for the manager's tests: podman containers of the base image booting
systemd (../shared/platform-notes.md), reached by ansible-runner with the podman
connection, as the dev host and the Molecule hosts are."""

import uuid

import pytest
from unibos_controller.testbed.containers import BASE_IMAGE, booted, podman
from unibos_controller.testbed.waiting import wait_until

PREFIX = "unibos-mgr-test-"


@pytest.fixture(scope="session")
def hosts():
    """Two running containers (names prefixed unibos-mgr-test-), removed afterwards."""
    run = uuid.uuid4().hex[:6]
    names = [f"{PREFIX}{run}-a", f"{PREFIX}{run}-b"]
    try:
        for name in names:
            podman(
                "run", "-d", "--name", name, "--hostname", name, "--privileged",
                "--systemd=always", "--ulimit", "nofile=4096:4096",
                "--ulimit", "nproc=4096:4096", BASE_IMAGE, "/sbin/init",
            )  # fmt: skip
        for name in names:
            wait_until(lambda name=name: booted(name), 60, f"systemd in {name} up")
        yield names
    finally:
        podman("rm", "-f", "-t", "0", *names, check=False)


@pytest.fixture
def inventory(tmp_path):
    """Writes an inventory file: groups maps a group name to its hosts; every host is
    reached with `podman exec`."""
    return lambda groups: write_inventory(tmp_path / "hosts.yml", groups)


def write_inventory(path, groups):
    lines = [
        "all:",
        "  vars:",
        "    ansible_connection: containers.podman.podman",
        "    ansible_python_interpreter: /usr/bin/python3",
        "  children:",
    ]
    for group, members in groups.items():
        lines += [f"    {group}:", "      hosts:"] + [f"        {host}:" for host in members]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def state(tmp_path, monkeypatch):
    """The manager's state directory, one per test, not created in advance."""
    directory = tmp_path / "state"
    monkeypatch.setenv("UNIBOS_MANAGER_STATE", str(directory))
    return directory


@pytest.fixture
def missing_host():
    """A host name no container has: the podman connection cannot reach it."""
    return f"{PREFIX}{uuid.uuid4().hex[:6]}-missing"
