"""When `unibos-hub status` calls the cluster unhealthy."""

from unibos.hub.ha.cluster import members, problems

from tests.cli.hub.clusters import (
    HEALTHY,
    LAGGING,
    NO_LEADER,
    OLD_LEADER_RESTARTING,
    REPLICA_STOPPED,
    SWITCHED_TO_BEBOP,
    document,
)


def test_a_leader_and_streaming_replicas_are_healthy():
    assert problems(members(HEALTHY)) == []
    assert problems(members(SWITCHED_TO_BEBOP)) == []


def test_lag_alone_is_not_a_problem():
    assert problems(members(LAGGING)) == []


def test_a_replica_that_is_not_streaming_is_named():
    assert problems(members(REPLICA_STOPPED)) == ["bebop is stopped, not streaming"]
    assert problems(members(OLD_LEADER_RESTARTING)) == ["rocksteady is starting, not streaming"]


def test_no_leader_is_a_problem_and_so_is_a_replica_without_one_to_stream_from():
    assert problems(members(NO_LEADER)) == [
        "no member is the leader",
        "bebop is running, not streaming",
    ]


def test_a_leader_that_is_not_running_is_named():
    cluster = document(HEALTHY)
    cluster["members"][1]["state"] = "stopping"

    assert problems(members(cluster)) == ["leader rocksteady is stopping, not running"]


def test_an_empty_cluster_is_a_problem():
    assert problems([]) == ["Patroni lists no members"]
