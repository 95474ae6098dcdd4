"""`hubs`, `nodes` and `workers` through real ad-hoc runs on real containers.

The hosts are bare containers, not deployed hubs: the app's `unibos-hub` and
`unibos-worker` wrappers are stood in for by scripts that print what the real commands
print, made with the app's own code (Member.as_json, WorkerRecord). What is under test is
the manager's side: the ad-hoc run, reading each host's answer, the join with the
inventory, unreachable hosts, the exit codes.
"""

import json
import subprocess
from dataclasses import asdict

import pytest
from click.testing import CliRunner
from unibos.core.registry import WorkerRecord
from unibos.hub.ha.cluster import MB, Member
from unibos_controller.cli.manager import cli

STAND_IN = """#!/bin/sh
# Stands in for the app's wrapper of the same name: prints the recorded output.
case "$*" in
  "status --json") cat /srv/status.json ;;
  "nodes list --json") cat /srv/nodes.json ;;
  *) echo "unexpected arguments: $*" >&2; exit 2 ;;
esac
"""


def put(host, path, text, mode="0644"):
    subprocess.run(
        ["podman", "exec", "-i", host, "sh", "-c", f"cat > {path} && chmod {mode} {path}"],
        input=text, text=True, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def answering(hosts):
    """hosts[0] answers as a hub and a worker host; hosts[1] has no UNIBOS command."""
    leader, replica = hosts
    members = [
        Member(leader, "leader", "running", leader, 5432, 4),
        Member(replica, "replica", "streaming", replica, 5432, 4, lag=3 * MB),
    ]
    put(leader, "/srv/status.json", json.dumps([member.as_json() for member in members]))
    registry = [{"id": "5d0c", "name": replica, "version": "0.4.0", "organization": {},
                 "enrolled_at": "2026-12-06T10:00:00Z", "last_contact_at": "2026-12-07T01:00:00Z",
                 "revoked": False, "revoked_at": None}]  # fmt: skip
    put(leader, "/srv/nodes.json", json.dumps(registry))
    core = WorkerRecord(f"core@{leader}", "core", ["core"], 7, "0.4.0",
                        "2026-12-07T01:00:00Z", "2026-12-07T01:30:00Z")  # fmt: skip
    workers = {"workers": [asdict(core)], "queues": {"core": [core.name], "ocr": []},
               "missing": ["ocr"]}  # fmt: skip
    put(leader, "/srv/status-workers.json", json.dumps(workers))
    put(leader, "/usr/local/sbin/unibos-hub", STAND_IN, "0755")
    put(
        leader,
        "/usr/local/sbin/unibos-worker",
        STAND_IN.replace("/srv/status.json", "/srv/status-workers.json"),
        "0755",
    )
    return hosts


@pytest.mark.usefixtures("state")
def test_hubs_lists_each_hub_with_patroni_state_and_an_unreachable_one_exits_1(
    inventory, answering, missing_host
):
    leader, replica = answering
    hosts_file = inventory({"hub": [leader, replica, missing_host]})
    result = CliRunner().invoke(cli, ["-i", str(hosts_file), "hubs", "--json"])
    assert result.exit_code == 1, result.output
    rows = {row["host"]: row for row in json.loads(result.stdout)}
    assert rows[leader]["role"] == "leader"
    assert rows[leader]["timeline"] == 4
    assert rows[leader]["status"] == "healthy"
    # Its own answer failed (no unibos-hub there); the leader's view of the cluster counts.
    assert rows[replica]["state"] == "streaming"
    assert rows[replica]["lag_mb"] == 3.0
    assert rows[replica]["status"] == "healthy"
    assert rows[missing_host]["status"] == "unreachable"

    table = CliRunner().invoke(cli, ["-i", str(hosts_file), "hubs"])
    assert table.exit_code == 1
    assert table.stdout.splitlines()[0].split() == [
        "HOST", "ROLE", "STATE", "TIMELINE", "LAG_MB", "STATUS"
    ]  # fmt: skip


@pytest.mark.usefixtures("state")
def test_nodes_joins_the_node_group_with_the_registry_and_exits_0_when_all_are_enrolled(
    inventory, answering
):
    leader, replica = answering
    hosts_file = inventory({"hub": [leader], "node": [replica]})
    result = CliRunner().invoke(cli, ["-i", str(hosts_file), "nodes", "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["host"], row["version"], row["status"]) == (replica, "0.4.0", "healthy")


@pytest.mark.usefixtures("state")
def test_workers_lists_each_expected_type_and_exits_1_for_one_not_running(inventory, answering):
    leader, _ = answering
    hosts_file = inventory({"worker_core": [leader], "worker_ocr": [leader]})
    result = CliRunner().invoke(cli, ["-i", str(hosts_file), "workers", "--json"])
    assert result.exit_code == 1
    rows = {row["type"]: row for row in json.loads(result.stdout)}
    assert rows["core"]["status"] == "healthy"
    assert rows["core"]["queues"] == ["core"]
    assert rows["ocr"]["status"] == "not running"
    assert "no live worker consumes queue(s) ocr" in result.stderr
