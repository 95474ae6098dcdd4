"""The units carry their device's profile (unibos_device_profiles of roles/unibos): the
host's device for the hub, beat, Flower and the workers, node_device for the node's
three units (Molecule's host: a desktop whose node runs as on a Pi Zero 2 W)."""

import pytest
from conftest import PROFILES

# Each unit and its entry in a profile's memory bounds; whose device it follows.
UNITS = {
    "unibos-hub": ("hub", "unibos_device"),
    "unibos-beat": ("beat", "unibos_device"),
    "unibos-flower": ("flower", "unibos_device"),
    "unibos-worker@core": ("worker", "unibos_device"),
    "unibos-worker@ocr": ("worker", "unibos_device"),
    "unibos-node": ("node", "node_device"),
    "unibos-sync": ("sync", "node_device"),
    "unibos-node-worker": ("node_worker", "node_device"),
}


def children(stack, unit: str) -> list[str]:
    """The processes the unit's main process started (ps exits 1 when there are none)."""
    pid = stack.host.check_output(f"systemctl show -P MainPID {unit}")
    return stack.host.run(f"ps -o pid= --ppid {pid}").stdout.split()


@pytest.mark.parametrize(("unit", "entry"), UNITS.items())
def test_the_unit_is_bounded_by_its_devices_memory_profile(stack, devices, unit, entry):
    name, follows = entry
    bounds = PROFILES[devices[follows]]["memory"][name]
    shown = [
        stack.host.check_output(f"systemctl show -P {bound} {unit}")
        for bound in ("MemoryHigh", "MemoryMax")
    ]
    assert shown == [str(bounds["high"] * 2**20), str(bounds["max"] * 2**20)]


@pytest.mark.on("node")
def test_the_node_api_has_its_devices_gunicorn_workers_and_threads(stack, devices):
    gunicorn = PROFILES[devices["node_device"]]["gunicorn"]["node"]
    command = stack.host.check_output("systemctl show -P ExecStart unibos-node")
    assert f"--workers {gunicorn['workers']} --threads {gunicorn['threads']}" in command
    processes = children(stack, "unibos-node")
    assert len(processes) == gunicorn["workers"]


@pytest.mark.on("node")
def test_the_node_worker_runs_its_devices_pool(stack, devices):
    profile = PROFILES[devices["node_device"]]
    command = stack.host.check_output("systemctl show -P ExecStart unibos-node-worker")
    assert f"--pool {profile['node_worker_pool']}" in command
    pool = children(stack, "unibos-node-worker")
    # threads: the tasks run in the worker's own process; prefork: a child per slot.
    expected = (
        0 if profile["node_worker_pool"] == "threads" else profile["worker_concurrency"]["node"]
    )
    assert len(pool) == expected


@pytest.mark.on("node")
def test_the_node_units_get_their_devices_malloc_arenas(stack, devices):
    arenas = PROFILES[devices["node_device"]]["malloc_arena_max"]
    environment = stack.host.file("/etc/unibos/node.env").content_string
    assert (f"MALLOC_ARENA_MAX={arenas}\n" in environment) == (arenas > 0)


@pytest.mark.on("node")
def test_the_sync_agent_runs_in_one_unit_only(stack, sync_unit):
    # Its own unit, or (node_sync_in_worker) the node's worker, whose own is then
    # stopped and disabled: one agent per node.
    assert stack.host.service(sync_unit).is_running
    if sync_unit != "unibos-sync":
        assert not stack.host.service("unibos-sync").is_running
        assert not stack.host.service("unibos-sync").is_enabled
        command = stack.host.check_output(f"systemctl show -P ExecStart {sync_unit}")
        assert "--with-sync" in command
