"""The Pi: an arm64 node installed with no network from its bundle, working on its own
once its hub is gone."""

import json
import secrets

from conftest import NODE_PORT, wait_for
from unibos_controller.testbed.hosts import fetch

SERVICES = [
    "unibos-node.service",
    "unibos-sync.service",
    "unibos-node-worker.service",
    "redis-server.service",
]


def test_the_host_is_an_arm64_machine(host):
    assert host.check_output("uname -m") == "aarch64"


def test_the_host_has_nothing_but_loopback(host):
    assert host.check_output("ls /sys/class/net").split() == ["lo"]
    addresses = host.check_output("ip -o address show").splitlines()
    assert addresses and all(line.split()[1] == "lo" for line in addresses), addresses


def test_the_install_read_no_apt_index_and_the_packages_came_from_the_bundle(host):
    # apt never fetched an index (it would have needed a network): the lists are empty.
    assert host.check_output("find /var/lib/apt/lists -name '*_Packages*'") == ""
    for package in ["redis-server", "ffmpeg", "tesseract-ocr", "acl", "tzdata"]:
        assert host.package(package).is_installed, package
    # Unpacked for apt, then removed.
    assert not host.file("/var/lib/unibos/debs").exists
    assert host.file("/opt/unibos/current/bin/unibos").exists


def test_the_node_its_sync_agent_its_worker_and_its_redis_run(host, lone_node):
    for service in SERVICES:
        assert host.service(service).is_running, service


def test_node_health_is_200_with_its_hub_absent_and_names_only_what_it_needs(host, lone_node):
    status, body = fetch(host, f"http://127.0.0.1:{NODE_PORT}/api/health")
    report = json.loads(body)

    assert status == 200, report
    assert report["deployment"] == "node"
    assert set(report["components"]) == {"database", "broker"}
    assert report["failing"] == []


def test_unibos_status_says_the_hub_is_offline(lone_node):
    status = lone_node.status()

    assert status["hub"]["state"] == "offline", status
    assert status["organization"]["slug"] == "home"


def test_a_record_written_through_the_node_api_is_in_its_store_and_queued(lone_node):
    queued_before = lone_node.sync_state()["queue"]
    record_id = f"pi-{secrets.token_hex(4)}"
    path = f"/api/records/notes/{record_id}"

    status, body = lone_node.api(path, "PATCH", {"fields": {"title": "milk"}})
    assert status == 200, body
    status, body = lone_node.api(path)
    assert status == 200, body
    assert body["fields"]["title"] == "milk"
    # Its operation waits in the queue for the hub.
    assert lone_node.sync_state()["queue"] == queued_before + 1


def test_the_sync_agent_logged_that_the_hub_went_offline(host, lone_node):
    def transitions() -> list[str]:
        """The agent's online and offline messages, in order. Its lines are the app's
        log format, `LEVEL LOGGER: MESSAGE`."""
        log = host.check_output("journalctl -u unibos-sync --no-pager -o cat")
        messages = (line.partition(": ")[2] for line in log.splitlines())
        return [message for message in messages if message.startswith(("online:", "offline:"))]

    # Online while the hub answered (the converge), offline since it is gone.
    lines = wait_for(
        lambda: (found := transitions()) and found[-1].startswith("offline:") and found,
        120,
        "the sync agent's offline line",
    )
    assert any(line.startswith("online:") for line in lines), lines


def test_the_user_logs_in_again_on_the_node_alone(lone_node):
    login = lone_node.login()

    assert login.rc == 0, login.stderr
    assert "signed by this node" in login.stderr
    status, body = lone_node.api("/api/me", token=json.loads(login.stdout)["access_token"])
    assert status == 200, body


def test_the_nodes_own_worker_serves_its_queue(host, lone_node):
    tasks = wait_for(
        lambda: (found := lone_node.status()["tasks"])["workers"] and found,
        240,
        "the node's own worker registered",
    )
    assert tasks["queue"] == f"node.{lone_node.status()['node_id']}"
    assert tasks["workers"] == [f"node@{host.check_output('hostname')}"]
