"""After the side effect's etcd faults (../faults.py, the first two of its drills): the
witness killed for longer than Patroni's ttl while clients worked; then the witness and
the primary hub killed together, leaving the replica hub alone with one etcd voter of
three, until the witness was started again.

The durations checked are the ones measured (when the witness was seen stopped, when it
was started again), compared with Patroni's ttl as Patroni reported it.

The first verify runs before the side effect: these tests skip there, saying so.
"""

from conftest import HUBS, part


def test_the_witness_was_down_for_longer_than_a_ttl_while_clients_worked(report):
    witness = part(report, "witness")
    down_for = witness["watched_until"] - witness["witness_down_at"]
    assert down_for > report["ttl_s"], f"down and watched {down_for:.1f} s, ttl {report['ttl_s']}"
    assert witness["witness_started_at"] >= witness["watched_until"]
    assert witness["witness_seen_running"] == 0, "the witness was running during the watch"


def test_the_cluster_kept_serving_writes_while_the_witness_was_down(report):
    witness = part(report, "witness")
    writer = witness["writer"]
    assert witness["writes_while_down"] > 0, "no write was sent with the witness down"
    # Every write sent while the witness was down was acknowledged; none was refused.
    assert witness["acked_while_down"] == witness["writes_while_down"], writer
    assert writer["failed"] == 0, f"writes failed with the witness down: {writer['errors']}"
    assert witness["lost"] == 0, witness["verification"]


def test_the_leader_did_not_change_while_the_witness_was_down(report):
    witness = part(report, "witness")
    # One look a second at Patroni's leader: always the primary, never none.
    assert witness["leaders_seen"] == [witness["primary"]]


def test_the_hub_api_and_celery_kept_working_while_the_witness_was_down(report):
    witness = part(report, "witness")
    probe = witness["probe"]
    assert witness["hub_api_failures"] == []
    assert probe["submitted"] > 0, "the Celery probe submitted nothing with the witness down"
    assert probe["lost"] == 0, probe
    assert probe["completed"] == probe["submitted"], probe


def test_the_lone_replica_hub_did_not_promote_itself_without_an_etcd_majority(report):
    quorum = part(report, "quorum")
    ttl = report["ttl_s"]
    alone_for = quorum["alone_until"] - quorum["alone_from"]
    assert alone_for > ttl, f"alone {alone_for:.1f} s, ttl {ttl}"
    observations = quorum["survivor_observations"]
    assert observations, "the survivor was never looked at"
    watched_for = observations[-1]["at"] - quorum["alone_from"]
    assert watched_for > ttl, f"the survivor was watched {watched_for:.1f} s, ttl {ttl}"
    # An answer that could not be had is no evidence that it did not promote.
    unknown = [o for o in observations if o["primary"] is None]
    assert unknown == [], f"the survivor did not answer: {unknown[:3]}"
    assert [o for o in observations if o["primary"]] == []
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
