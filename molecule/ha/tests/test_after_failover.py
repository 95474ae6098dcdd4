"""After the side effect's last two faults: the primary hub's container was SIGKILLed
while a writer wrote through the other hub's HAProxy, then started again; then the
Redis master was killed while a Celery probe submitted tasks (../faults.py, run by
side_effect.yml; its etcd faults came first, test_quorum.py).
The report it wrote says what happened during the faults; the cluster itself says
where it ended up.

The first verify runs before the side effect: these tests skip there, saying so.
"""

from conftest import HUBS, part, wait_for
from unibos_controller.testbed.ha.cluster import member_named
from unibos_controller.testbed.ha.podman import container_ip, other_hub, read_secret
from unibos_controller.testbed.ha.postgres import connect, replica_timeline
from unibos_controller.testbed.ha.scenario import PROBE_TABLE


def test_writes_resumed_through_the_same_haproxy_address(report):
    hard = part(report, "hard_kill")
    writer = hard["writer"]
    # The writer wrote through the HAProxy of the hub that was not killed, from start to end.
    assert hard["writer_target"] == hard["new_primary"] != hard["old_primary"]
    assert writer["address"] == f"{container_ip(hard['new_primary'])}:5000"
    assert writer["acked_before_fault"] > 0, "no write was acknowledged before the kill"
    assert writer["acked_after_fault"] > 0, f"no write through {writer['address']} after the kill"
    assert hard["gap_s"] is not None


def test_no_acknowledged_write_was_lost(report, cluster):
    hard = part(report, "hard_kill")
    assert "verify_error" not in hard, hard.get("verify_error")
    assert hard["acknowledged_ids"] > 0
    assert hard["lost"] == 0, f"acknowledged but missing: {hard['verification']['missing']}"
    # Still all there now that the old primary is back (pg_rewind discards only WAL that
    # no acknowledged commit depended on).
    ids = hard["acknowledged_id_list"]
    password = read_secret("hub_database_password")
    with connect(container_ip(cluster.leader()), password) as conn:
        (found,) = conn.execute(
            f"SELECT count(*) FROM {PROBE_TABLE} WHERE id = ANY(%s)", (ids,)
        ).fetchone()
    assert found == len(ids)


def test_the_old_primary_is_a_streaming_replica_on_a_higher_timeline(report, cluster):
    hard = part(report, "hard_kill")
    old = hard["old_primary"]
    before = hard["timeline_before"]
    assert before is not None, "the report has no timeline from before the kill"

    def streaming():
        member = member_named(cluster.members(), old)
        assert member is not None and member.is_streaming_replica, f"{old} is {member}"
        return member

    member = wait_for(streaming, 60, f"{old} streaming as a replica")
    timeline = member.timeline or replica_timeline(old)
    assert timeline is not None and timeline > before, f"{old} on timeline {timeline}"
    rejoin = hard["rejoin"]
    assert rejoin["timeline_after"] > rejoin["timeline_before"], rejoin


def test_celery_tasks_submitted_after_the_redis_master_kill_all_completed(report):
    redis = part(report, "redis")
    after = redis["after_kill"]
    assert redis["new_master"] not in (None, redis["old_master"])
    assert after["submitted"] > 0, "the probe submitted nothing after the kill"
    assert after["lost"] == 0, after
    assert after["completed"] == after["submitted"], after


def test_the_old_redis_master_came_back_as_a_replica(report, cluster):
    redis = part(report, "redis")
    old = redis["old_master"]
    info = cluster.replication(old)
    assert info["role"] == "slave"
    assert info["master_link_status"] == "up"
    masters = [hub for hub in HUBS if cluster.replication(hub)["role"] == "master"]
    assert masters == [other_hub(old)]


def test_beat_runs_on_the_new_leader_only(report, cluster):
    hard = part(report, "hard_kill")
    new = hard["new_primary"]
    assert cluster.leader() == new, "the leader changed again after the side effect"

    def on_the_new_leader_only():
        active = cluster.beat_hubs()
        assert active == [new], f"unibos-beat active on {active}"
        return active

    wait_for(on_the_new_leader_only, 60, f"unibos-beat active on {new} only")
