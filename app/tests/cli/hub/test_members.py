"""Normalising Patroni 4's GET /cluster document."""

import pytest
from unibos.hub.ha.cluster import Member, leader, members

from tests.cli.hub.clusters import (
    HEALTHY,
    LAGGING,
    NO_LEADER,
    REPLICA_STOPPED,
    WITH_AN_ASYNCHRONOUS_REPLICA,
)


def test_members_keep_name_host_role_state_timeline_and_lags():
    assert members(HEALTHY) == [
        Member(
            name="bebop",
            role="sync_standby",
            state="streaming",
            host="bebop",
            port=5432,
            timeline=3,
            lag=0,
            receive_lag=0,
            replay_lag=0,
        ),
        Member(
            name="rocksteady",
            role="leader",
            state="running",
            host="rocksteady",
            port=5432,
            timeline=3,
        ),
    ]


def test_the_leader_has_no_lag_and_is_found():
    cluster = members(HEALTHY)

    assert leader(cluster).name == "rocksteady"
    assert leader(cluster).lag is None
    assert leader(members(NO_LEADER)) is None


def test_lags_are_bytes_and_shown_in_mb():
    bebop = members(LAGGING)[0]

    assert (bebop.lag, bebop.receive_lag, bebop.replay_lag) == (5242880, 5242880, 6291456)
    assert bebop.lag_mb == 5.0


def test_an_unknown_lag_and_a_missing_timeline_are_none():
    bebop = members(REPLICA_STOPPED)[0]

    assert bebop.state == "stopped"
    assert bebop.lag is None
    assert bebop.lag_mb is None
    assert bebop.timeline is None


def test_members_come_sorted_by_name():
    reversed_document = {"members": list(reversed(WITH_AN_ASYNCHRONOUS_REPLICA["members"]))}

    assert [member.name for member in members(reversed_document)] == [
        "bebop",
        "donatello",
        "rocksteady",
    ]


def test_the_json_form_adds_the_lag_in_mb():
    assert members(LAGGING)[0].as_json() == {
        "name": "bebop",
        "role": "sync_standby",
        "state": "streaming",
        "host": "bebop",
        "port": 5432,
        "timeline": 3,
        "lag": 5242880,
        "receive_lag": 5242880,
        "replay_lag": 6291456,
        "lag_mb": 5.0,
    }


@pytest.mark.parametrize(
    "document",
    [{}, {"members": "bebop"}, {"members": [{"role": "leader"}]}, {"members": ["bebop"]}],
)
def test_a_document_that_is_not_a_cluster_is_a_value_error(document):
    with pytest.raises(ValueError, match=r"members|member without a name"):
        members(document)
