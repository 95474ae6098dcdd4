"""The Vagrantfile's inventory passes the inventory check (playbooks/check.yml), for its
default VMs and for two hubs with a node as the witness: a real ansible-playbook run on
the inventory Vagrant would generate (the Vagrantfile's groups and host variables, read
through Ruby) with inventories/vagrant's group_vars, as the Vagrantfile's provisioner
runs it. No VM is started: the check connects to no host when each names its device."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from unibos_controller.fleet.runs import REPO_ROOT

ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"

# Loads the Vagrantfile with Vagrant.configure stubbed out and prints what its Ansible
# provisioner would be given.
DUMP = """
module Vagrant
  def self.configure(*); end
end
load "Vagrantfile"
require "json"
puts JSON.generate({"groups" => GROUPS, "host_vars" => HOST_VARS})
"""


def vagrant_inventory(environment: dict[str, str]) -> dict:
    done = subprocess.run(
        ["ruby", "-e", DUMP], cwd=REPO_ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, **environment},
    )  # fmt: skip
    return json.loads(done.stdout)


def write_ini(inventory: dict, path: Path) -> None:
    """The inventory as Vagrant writes it: a line per host with its variables, a section
    per group, [all:vars] (the addresses are the VMs' management network's, unused here)."""
    lines = [
        f"{host} ansible_host=127.0.0.1 " + " ".join(f"{k}={v}" for k, v in variables.items())
        for host, variables in inventory["host_vars"].items()
    ]
    for group, members in inventory["groups"].items():
        lines.append(f"[{group}]")
        if group.endswith(":vars"):
            lines += [f"{k}={v}" for k, v in members.items()]
        else:
            lines += members
    path.write_text("\n".join(lines) + "\n")


def check(tmp_path: Path, environment: dict[str, str]) -> subprocess.CompletedProcess:
    inventory = vagrant_inventory(environment)
    write_ini(inventory, tmp_path / "vagrant_ansible_inventory")
    (tmp_path / "wheelhouse").mkdir()
    (tmp_path / "wheelhouse" / "RELEASE").write_text("0.1.0-0123456789ab\n")
    (tmp_path / "patroni-wheelhouse").mkdir()
    (tmp_path / "patroni-wheelhouse" / "SOURCE").write_text("test\n")
    extra = {
        "app_wheelhouse_src": str(tmp_path / "wheelhouse"),
        "patroni_wheelhouse_src": str(tmp_path / "patroni-wheelhouse"),
    }
    command = [
        str(ANSIBLE_PLAYBOOK), "-i", str(tmp_path / "vagrant_ansible_inventory"),
        "--inventory=inventories/vagrant", "playbooks/check.yml", "-e", json.dumps(extra),
    ]  # fmt: skip
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    return subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False, env=env
    )


def test_the_default_vms_are_a_hub_two_pi_nodes_and_a_worker():
    inventory = vagrant_inventory({})
    devices = {host: v["unibos_device"] for host, v in inventory["host_vars"].items()}
    assert devices == {
        "hub-1": "desktop", "node-1": "pi-zero-2w", "node-2": "pi4", "worker-1": "pi5",
    }  # fmt: skip
    assert inventory["groups"]["etcd"] == ["hub-1"]
    assert inventory["groups"]["node"] == ["node-1", "node-2"]
    assert inventory["groups"]["worker_ocr"] == ["worker-1"]


@pytest.mark.parametrize(
    "environment",
    [{}, {"UNIBOS_VAGRANT_HUBS": "2"}],
    ids=["default", "two-hubs"],
)
def test_the_vagrant_inventory_passes_the_check(tmp_path, environment):
    done = check(tmp_path, environment)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "failed=0" in done.stdout
