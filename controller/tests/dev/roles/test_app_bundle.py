"""The common and app roles given a bundle (app_bundle), through a real ansible-playbook
run against podman containers of the base image: refusals before any change, and an
install on a host with no network at all, its Debian packages included."""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from unibos_controller.bundles.wheels import TOOLS_ROOT
from unibos_controller.testbed.containers import BASE_IMAGE, booted, podman
from unibos_controller.testbed.waiting import wait_until

ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"

# The common and app roles, as node.yml runs them (the shared facts of roles/unibos
# first). The handler stands in for the services that listen to a new release.
PLAYBOOK = """\
- name: Install the app from a bundle
  hosts: all
  roles:
    - role: unibos
    - role: common
    - role: app
  handlers:
    - name: Note the new release
      ansible.builtin.debug:
        msg: a new release
      listen: unibos release changed
"""


@pytest.fixture
def container():
    """Starts a container of the base image booting systemd; its name. `network`: e.g.
    "none", for a host with nothing but loopback."""
    names = []

    def start(network=None):
        name = f"unibos-dev-test-{uuid.uuid4().hex[:6]}"
        podman(
            "run", "-d", "--name", name, "--hostname", name, "--privileged", "--systemd=always",
            "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096",
            *(["--network", network] if network else []), BASE_IMAGE, "/sbin/init",
        )  # fmt: skip
        names.append(name)
        wait_until(lambda: booted(name), 60, f"systemd in {name} up")
        return name

    yield start
    if names:
        podman("rm", "-f", "-t", "0", *names, check=False)


def play(tmp_path, host, groups, bundle):
    """ansible-playbook of PLAYBOOK on `host` standing in `groups`, with app_bundle."""
    inventory = {
        "all": {
            "vars": {
                "ansible_connection": "containers.podman.podman",
                "ansible_python_interpreter": "/usr/bin/python3",
            },
            "children": {group: {"hosts": {host: None}} for group in groups},
        }
    }
    (tmp_path / "hosts.yml").write_text(json.dumps(inventory))
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    return subprocess.run(
        [str(ANSIBLE_PLAYBOOK), "-i", str(tmp_path / "hosts.yml"), str(tmp_path / "play.yml"),
         "-e", json.dumps({"app_bundle": str(bundle)})],
        cwd=TOOLS_ROOT, capture_output=True, text=True, timeout=900, check=False,
        env={**os.environ, "ANSIBLE_CONFIG": str(TOOLS_ROOT / "ansible.cfg"),
             "ANSIBLE_NOCOLOR": "1"},
    )  # fmt: skip


def untouched(host):
    """Nothing of the app on the host: no /opt/unibos, no unibos group."""
    assert podman("exec", host, "test", "-e", "/opt/unibos", check=False).returncode == 1
    assert podman("exec", host, "getent", "group", "unibos", check=False).returncode == 2


def tampered(bundle, into):
    """The bundle with one byte of its Django wheel changed and its manifest left as is."""
    out = into / bundle.name
    with tarfile.open(bundle) as source, tarfile.open(out, "w:gz") as target:
        for info in source.getmembers():
            data = source.extractfile(info).read()
            if info.name.startswith("wheels/django-"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(info, io.BytesIO(data))
    return out


def test_a_tampered_bundle_is_refused_naming_the_member_before_any_change(
    tmp_path, container, node_amd64
):
    host = container()
    result = play(tmp_path, host, ["node"], tampered(node_amd64, tmp_path))
    assert result.returncode == 2, result.stdout
    output = " ".join(result.stdout.split())
    assert "does not match its manifest: wheels/django-5.2.19-py3-none-any.whl has sha256" in output
    assert "the manifest says" in output
    untouched(host)


def test_a_bundle_for_another_target_is_refused_naming_host_expected_and_found(
    tmp_path, container, node_amd64
):
    host = container()
    result = play(tmp_path, host, ["worker_ocr"], node_amd64)
    assert result.returncode == 2, result.stdout
    assert (
        f"{host}: {node_amd64} is a bundle for node on amd64, but this host expects "
        "worker-ocr on amd64 (x86_64)"
    ) in " ".join(result.stdout.split())
    untouched(host)


@pytest.mark.slow
def test_a_bundle_for_another_arch_is_refused_naming_host_expected_and_found(
    tmp_path, container, node_arm64
):
    host = container()
    result = play(tmp_path, host, ["node"], node_arm64)
    assert result.returncode == 2, result.stdout
    assert (
        f"{host}: {node_arm64} is a bundle for node on arm64, but this host expects "
        "node on amd64 (x86_64)"
    ) in " ".join(result.stdout.split())
    untouched(host)


def test_a_host_with_no_network_installs_the_nodes_release_from_its_bundle(
    tmp_path, container, node_amd64
):
    host = container(network="none")
    # Nothing but loopback: no mirror, no package index.
    links = podman("exec", host, "ls", "/sys/class/net").stdout.split()
    assert links == ["lo"]
    with tarfile.open(node_amd64) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))

    result = play(tmp_path, host, ["node"], node_amd64)
    assert result.returncode == 0, result.stdout + result.stderr
    release = f"/opt/unibos/releases/{manifest['release']}"
    assert podman("exec", host, "readlink", "/opt/unibos/current").stdout.strip() == release
    version = podman("exec", host, f"{release}/bin/unibos", "--version")
    assert version.stdout.strip().endswith(f"version {manifest['version']}"), version.stdout

    # The node's Debian packages came from the bundle: apt read no index.
    debs = [deb["package"] for deb in manifest["debian"]["debs"]]
    status = "${Package} ${db:Status-Abbrev}\\n"
    installed = podman("exec", host, "dpkg-query", "-W", "-f", status, *debs)
    assert all(line.split()[1] == "ii" for line in installed.stdout.splitlines()), installed.stdout
    assert {"redis-server", "ffmpeg", "tesseract-ocr"} <= set(debs)
    lists = podman("exec", host, "find", "/var/lib/apt/lists", "-name", "*_Packages*")
    assert lists.stdout == ""

    again = play(tmp_path, host, ["node"], node_amd64)
    assert again.returncode == 0, again.stdout
    assert f"{host} " in again.stdout and "changed=0" in again.stdout.split("PLAY RECAP")[1]
