"""After the side effect's etcd faults (bench/failover.py --once-for-verify, the first two
of its runs): the witness killed for longer than Patroni's ttl while clients worked;
then the witness and the primary hub killed together, leaving the replica hub alone
with one etcd voter of three, until the witness was started again.

The first verify runs before the side effect: these tests skip there, saying so.
"""

from conftest import HUBS, part


def test_the_cluster_kept_serving_writes_while_the_witness_was_down(report):
    witness = part(report, "witness")
    writer = witness["writer"]
    assert witness["window_s"] > report["ttl_s"], "the witness was not down for a full ttl"
    assert writer["acked_after_fault"] > 0, "no write was acknowledged with the witness down"
    assert writer["failed"] == 0, f"writes failed with the witness down: {writer['errors']}"
    # One write every 50 ms: a pause of a second would mean the leader lost its key.
    assert witness["gap_s"] is not None and witness["gap_s"] < 1.0, writer
    assert witness["lost"] == 0, witness["verification"]


def test_the_leader_did_not_change_while_the_witness_was_down(report):
    witness = part(report, "witness")
    assert witness["leaders_seen"] == [witness["primary"]]


def test_the_hub_api_and_celery_kept_working_while_the_witness_was_down(report):
    witness = part(report, "witness")
    probe = witness["probe"]
    assert witness["hub_api_failures"] == []
    assert probe["submitted"] > 0, "the Celery probe submitted nothing with the witness down"
    assert probe["completed"] == probe["submitted"], probe


def test_the_lone_replica_hub_did_not_promote_itself_without_an_etcd_majority(report):
    quorum = part(report, "quorum")
    assert quorum["survivor_checks"] > report["ttl_s"], "the survivor was not watched a full ttl"
    assert quorum["survivor_promoted_without_majority"] is False
    assert quorum["acked_without_majority"] == 0


def test_writes_came_back_on_their_own_once_the_witness_restored_the_majority(report):
    quorum = part(report, "quorum")
    assert quorum["return_s"] is not None
    assert quorum["writer"]["acked"] > 0
    assert quorum["survivor"] in HUBS and quorum["survivor"] != quorum["old_primary"]


def test_no_write_acknowledged_before_the_quorum_loss_was_lost(report):
    quorum = part(report, "quorum")
    assert "verify_error" not in quorum, quorum.get("verify_error")
    assert quorum["acknowledged_ids"] > 0
    assert quorum["lost"] == 0, quorum["verification"]


def test_the_primary_lost_with_the_majority_rejoined_as_a_replica(report):
    rejoin = part(report, "quorum")["rejoin"]
    assert rejoin["role"] in ("replica", "sync_standby"), rejoin
    assert rejoin["timeline_up"], rejoin
