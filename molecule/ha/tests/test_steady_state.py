"""The converged cluster in its steady state: one PostgreSQL leader with a synchronous
standby, both HAProxies sending clients to the right member, one Redis master with its
replica watched by three agreeing sentinels, the hub API answering on both hubs, one
celery beat (on the leader) and a healthy three-member etcd.

After the side effect these hold again: the fault's recovery must come back to here.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HUBS, MEMBERS, WITNESS, wait_for
from unibos_controller.testbed.ha.podman import other_hub
from unibos_controller.testbed.ha.redis_sentinel import container_for
from unibos_controller.testbed.ha.scenario import (
    HAPROXY_HUB_PORT,
    HAPROXY_REDIS_PORT,
    HAPROXY_RO_PORT,
    HAPROXY_RW_PORT,
    SENTINEL_MASTER,
    SENTINEL_PORT,
)

MANAGER = Path(sys.executable).with_name("unibos-manager")

# Roles settle for a moment after a converge or a recovery (a new standby becomes the
# synchronous one at Patroni's next loop; a replica's link comes up): wait, then assert.
SETTLE_S = 60


@pytest.mark.parametrize("hub", HUBS)
def test_unibos_hub_status_shows_a_leader_and_a_sync_standby(cluster, hub):
    def complete():
        rc, members = cluster.status(hub)
        roles = sorted(member.role for member in members)
        assert rc == 0 and roles == ["leader", "sync_standby"], f"rc={rc} {members}"
        return members

    members = wait_for(
        complete, SETTLE_S, f"`unibos-hub status` on {hub} showing a leader and a sync standby"
    )
    assert sorted(member.name for member in members) == sorted(HUBS)
    states = {member.role: member.state for member in members}
    assert states["leader"] == "running"
    assert states["sync_standby"] == "streaming"


def test_the_leader_streams_synchronously_to_the_other_hub(cluster):
    leader = cluster.leader()
    standby = other_hub(leader)
    query = "SELECT application_name, state, sync_state FROM pg_stat_replication"
    rows = wait_for(
        lambda: [row for row in cluster.psql(leader, query) if row[0] == standby],
        SETTLE_S,
        f"{standby} in pg_stat_replication on {leader}",
    )
    assert rows == [[standby, "streaming", "sync"]]


@pytest.mark.parametrize("hub", HUBS)
def test_haproxy_read_write_port_reaches_the_leader(cluster, hub):
    assert cluster.hub_sql(hub, HAPROXY_RW_PORT, "SELECT pg_is_in_recovery()") == "f"


@pytest.mark.parametrize("hub", HUBS)
def test_haproxy_read_only_port_reaches_a_replica(cluster, hub):
    assert cluster.hub_sql(hub, HAPROXY_RO_PORT, "SELECT pg_is_in_recovery()") == "t"


def test_redis_has_one_master_and_one_replica(cluster):
    def replicated():
        roles = {hub: cluster.replication(hub) for hub in HUBS}
        masters = [hub for hub, info in roles.items() if info.get("role") == "master"]
        replicas = [hub for hub, info in roles.items() if info.get("role") == "slave"]
        linked = all(roles[hub].get("master_link_status") == "up" for hub in replicas)
        assert len(masters) == len(replicas) == 1 and linked, roles
        return masters[0], replicas[0]

    master, replica = wait_for(replicated, SETTLE_S, "one Redis master and one linked replica")
    assert cluster.replication(master)["connected_slaves"] == "1"
    assert container_for(cluster.replication(replica)["master_host"]) == master


@pytest.mark.parametrize("hub", HUBS)
def test_haproxy_redis_port_reaches_the_master(cluster, hub):
    role = cluster.redis(hub, "ROLE", port=HAPROXY_REDIS_PORT).split()
    assert role[0] == "master"


def test_the_three_sentinels_agree_on_the_master(cluster):
    def agreed():
        named = {name: cluster.sentinel_master(name) for name in MEMBERS}
        assert len(set(named.values())) == 1 and None not in named.values(), named
        return named

    named = wait_for(agreed, SETTLE_S, "the three sentinels naming the same master")
    (master,) = set(named.values())
    assert master in HUBS
    assert cluster.replication(master)["role"] == "master"


@pytest.mark.parametrize("name", MEMBERS)
def test_the_sentinels_can_authorise_a_failover(cluster, name):
    out = cluster.redis(name, "SENTINEL", "ckquorum", SENTINEL_MASTER, port=SENTINEL_PORT)
    assert out.startswith("OK"), out


@pytest.mark.parametrize("port", [8000, HAPROXY_HUB_PORT], ids=["gunicorn", "haproxy"])
@pytest.mark.parametrize("hub", HUBS)
def test_the_hub_api_is_healthy(cluster, hub, port):
    status, body = cluster.fetch(hub, f"http://127.0.0.1:{port}/api/health")
    assert status == 200, body
    assert json.loads(body)["failing"] == []


def test_exactly_one_beat_runs_and_it_is_on_the_leader(cluster):
    leader = cluster.leader()

    def on_the_leader_only():
        active = cluster.beat_hubs()
        assert active == [leader], f"unibos-beat active on {active}"
        return active

    wait_for(on_the_leader_only, SETTLE_S, f"unibos-beat active on the leader {leader} only")


def test_etcd_is_healthy_with_three_members(cluster):
    witness = cluster.hosts[WITNESS]
    etcdctl = "ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:2379 --dial-timeout=3s"
    members = witness.check_output(f"{etcdctl} member list").splitlines()
    assert len(members) == 3, members
    health = witness.run(f"{etcdctl} --command-timeout=5s endpoint health --cluster")
    report = health.stdout + health.stderr
    assert health.rc == 0, report
    assert report.count("is healthy") == 3, report
    assert "unhealthy" not in report


def test_unibos_manager_hubs_lists_the_leader_and_a_streaming_standby(cluster):
    """From the controller, over Molecule's inventory: one row per hub, both healthy."""

    def listed():
        done = subprocess.run(
            [str(MANAGER), "-i", os.environ["MOLECULE_INVENTORY_FILE"], "hubs", "--json"],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"exit {done.returncode}: {done.stdout}{done.stderr}"
        return json.loads(done.stdout)

    rows = wait_for(listed, SETTLE_S, "`unibos-manager hubs` showing both hubs healthy")
    assert sorted(row["host"] for row in rows) == sorted(HUBS)
    assert sorted(row["role"] for row in rows) == ["leader", "sync_standby"], rows
    assert all(row["status"] == "healthy" for row in rows), rows
    leader = next(row for row in rows if row["role"] == "leader")
    assert leader["host"] == cluster.leader()
