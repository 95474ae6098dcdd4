"""Which request `unibos-hub failover --to HUB` makes, and when it makes none."""

import pytest
from unibos.hub.ha.cluster import Plan, Refused, members, plan_failover

from tests.cli.hub.clusters import (
    HEALTHY,
    LAGGING,
    NO_LEADER,
    OLD_LEADER_RESTARTING,
    REPLICA_STOPPED,
    WITH_AN_ASYNCHRONOUS_REPLICA,
    document,
)


def test_with_a_leader_it_is_a_switchover_from_that_leader():
    assert plan_failover(members(HEALTHY), "bebop") == Plan(
        path="/switchover",
        body={"leader": "rocksteady", "candidate": "bebop"},
        leader="rocksteady",
        candidate="bebop",
    )


def test_with_no_leader_it_is_a_failover_to_the_candidate():
    assert plan_failover(members(NO_LEADER), "bebop") == Plan(
        path="/failover", body={"candidate": "bebop"}, leader=None, candidate="bebop"
    )


def test_a_lag_up_to_one_mb_is_accepted():
    cluster = document(LAGGING)
    cluster["members"][0]["lag"] = 1024 * 1024

    assert plan_failover(members(cluster), "bebop").path == "/switchover"


@pytest.mark.parametrize(
    ("cluster", "candidate", "reason"),
    [
        (
            HEALTHY,
            "donatello",
            "donatello is not a member of the cluster (members: bebop, rocksteady)",
        ),
        (HEALTHY, "rocksteady", "rocksteady is the leader already"),
        (REPLICA_STOPPED, "bebop", "bebop is stopped, not streaming from rocksteady"),
        (OLD_LEADER_RESTARTING, "rocksteady", "rocksteady is starting, not streaming from bebop"),
        (LAGGING, "bebop", "bebop lags 5.0 MB behind the leader (at most 1 MB)"),
        (
            WITH_AN_ASYNCHRONOUS_REPLICA,
            "donatello",
            "donatello is not a synchronous standby (bebop is)",
        ),
    ],
)
def test_a_candidate_that_is_not_a_replica_in_sync_is_refused(cluster, candidate, reason):
    with pytest.raises(Refused) as refused:
        plan_failover(members(cluster), candidate)

    assert str(refused.value).startswith(reason)


def test_a_streaming_replica_with_an_unknown_lag_is_refused():
    cluster = document(HEALTHY)
    cluster["members"][0].update(lag="unknown", lsn="unknown")

    with pytest.raises(Refused, match="bebop's replication lag is unknown"):
        plan_failover(members(cluster), "bebop")


def test_with_no_leader_a_stopped_replica_is_refused():
    cluster = document(NO_LEADER)
    cluster["members"][0]["state"] = "stopped"

    with pytest.raises(Refused, match="bebop is stopped, not a running replica"):
        plan_failover(members(cluster), "bebop")


def test_with_no_leader_an_unknown_lag_is_accepted_but_a_large_one_is_not():
    unknown = document(NO_LEADER)
    unknown["members"][0].update(lag="unknown", lsn="unknown")
    behind = document(NO_LEADER)
    behind["members"][0]["lag"] = 3 * 1024 * 1024

    assert plan_failover(members(unknown), "bebop").path == "/failover"
    with pytest.raises(Refused, match=r"bebop lags 3\.0 MB"):
        plan_failover(members(behind), "bebop")
