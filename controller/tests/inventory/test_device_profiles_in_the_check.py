"""The inventory check (playbooks/check.yml) and the devices of roles/unibos: a real
ansible-playbook run of the check play against a copy of inventories/production.example,
changed per test. The check connects to no host when each names its device or its facts
are given as host variables, so no container is needed."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from unibos_controller.fleet.runs import REPO_ROOT

ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"


@pytest.fixture
def inventory(tmp_path):
    """A copy of the example inventory, its hosts.yml as a dict to change, and the
    stand-ins for the wheelhouses the roles' checks look for on the controller."""
    copy = tmp_path / "inventory"
    shutil.copytree(REPO_ROOT / "inventories" / "production.example", copy)
    (tmp_path / "wheelhouse").mkdir()
    (tmp_path / "wheelhouse" / "RELEASE").write_text("0.1.0-0123456789ab\n")
    (tmp_path / "patroni-wheelhouse").mkdir()
    (tmp_path / "patroni-wheelhouse" / "SOURCE").write_text("test\n")
    return copy


def hosts(inventory):
    return yaml.safe_load((inventory / "hosts.yml").read_text())


def check(inventory, changed_hosts=None):
    """Runs playbooks/check.yml on `inventory` (with `changed_hosts` written as its
    hosts.yml first); the completed process, output in stdout."""
    if changed_hosts is not None:
        (inventory / "hosts.yml").write_text(yaml.safe_dump(changed_hosts))
    extra = {
        "app_wheelhouse_src": str(inventory.parent / "wheelhouse"),
        "patroni_wheelhouse_src": str(inventory.parent / "patroni-wheelhouse"),
    }
    command = [str(ANSIBLE_PLAYBOOK), "-i", str(inventory), "playbooks/check.yml"]
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    return subprocess.run(
        [*command, "-e", json.dumps(extra)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False, env=env,
    )  # fmt: skip


def refusal(done):
    """The one line of ansible-playbook's output that carries the failed assertion."""
    assert done.returncode != 0, done.stdout
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("[ERROR]: Task failed")]
    return " ".join(line.split())


def test_the_example_inventory_passes_the_check_with_its_devices(inventory):
    listed = hosts(inventory)["all"]["children"]
    devices = {
        host: spec["unibos_device"]
        for group in listed.values()
        for host, spec in (group.get("hosts") or {}).items()
        if spec and "unibos_device" in spec
    }
    assert devices == {
        "rocksteady": "server", "bebop": "server", "pi-kitchen": "pi4",
        "pi-office": "pi-zero-2w", "pi-garage": "pi5", "gpu-01": "gpu-server",
    }  # fmt: skip
    done = check(inventory)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "failed=0" in done.stdout


def test_a_pi_zero_in_the_ocr_group_is_refused_naming_host_device_and_group(inventory):
    changed = hosts(inventory)
    changed["all"]["children"]["worker_ocr"]["hosts"]["pi-office"] = None
    line = refusal(check(inventory, changed))
    assert "pi-office: device pi-zero-2w may run the worker types core only" in line
    assert "but the host is in worker_ocr" in line


def test_a_hub_on_a_512_mb_device_is_refused_naming_host_device_and_group(inventory):
    changed = hosts(inventory)
    changed["all"]["children"]["hub"]["hosts"]["pi-office"] = None
    line = refusal(check(inventory, changed))
    assert "pi-office: device pi-zero-2w (512 MB) cannot run the hub group" in line


def test_an_unknown_device_is_refused_naming_host_device_and_groups(inventory):
    changed = hosts(inventory)
    changed["all"]["children"]["worker_ocr"]["hosts"]["gpu-01"]["unibos_device"] = "cray-1"
    line = refusal(check(inventory, changed))
    assert "gpu-01: unknown device 'cray-1' (unibos_device)" in line
    assert "(groups worker_media, worker_ocr)" in line
    assert "the devices are pi-zero-2w, pi4, pi5, desktop, server, gpu-server" in line


def test_a_device_follows_from_the_hosts_memory_and_architecture_when_not_named(inventory):
    # pi-office names no device: 427 MB (what a Pi Zero 2 W's kernel reports) on aarch64,
    # given as host variables as the facts would be, makes it a Pi Zero 2 W, refused in
    # worker_media.
    changed = hosts(inventory)
    changed["all"]["children"]["node"]["hosts"]["pi-office"] = {
        "ansible_host": "192.168.10.32", "ansible_memtotal_mb": 427,
        "ansible_architecture": "aarch64",
    }  # fmt: skip
    changed["all"]["children"]["worker_media"]["hosts"]["pi-office"] = None
    line = refusal(check(inventory, changed))
    assert "pi-office: device pi-zero-2w may run the worker types core only" in line
    assert "but the host is in worker_media" in line


def test_the_check_gathers_the_facts_of_a_host_that_names_no_device(inventory):
    # gpu-01 names none and has no facts: the check gathers its memory and architecture
    # (here: this machine's, through a local connection) and takes its device from them.
    changed = hosts(inventory)
    changed["all"]["children"]["worker_ocr"]["hosts"]["gpu-01"] = {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
    }  # fmt: skip
    done = check(inventory, changed)
    assert done.returncode == 0, done.stdout[-3000:]
    gathered = done.stdout.split("TASK [inventory_check : Gather the memory and architecture")[1]
    assert "ok: [gpu-01]" in gathered.split("TASK [")[0]
