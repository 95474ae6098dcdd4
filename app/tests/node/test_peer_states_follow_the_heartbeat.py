"""A peer is found when announced, up while it answers the heartbeat, and gone when it
says goodbye or has not answered for GONE_AFTER_SECONDS: pure transitions on an
injected clock."""

from unibos.node.peers.table import (
    FOUND,
    GONE,
    GONE_AFTER_SECONDS,
    HEARTBEAT_SECONDS,
    REFUSED,
    UP,
    Announcement,
    PeerTable,
)

PEER = Announcement(
    node_id="00000000-0000-4000-8000-00000000000b",
    name="pi-kitchen",
    address="10.0.0.2",
    port=8001,
    organization=7,
    version="0.1.0",
    host="pi-kitchen-00000000.local",
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def table() -> tuple[PeerTable, Clock]:
    clock = Clock()
    return PeerTable(clock), clock


def test_an_announced_peer_is_found_until_it_answers_then_up():
    peers, clock = table()

    assert peers.announced(PEER) == FOUND
    clock.now += 0.5
    assert peers.answered(PEER.node_id, {PEER.node_id: 4}) == UP

    (row,) = peers.rows()
    assert row["state"] == UP
    assert row["last_seen"] == 1000.5
    assert row["vector"] == {PEER.node_id: 4}
    assert "announced" not in row


def test_a_peer_that_stops_answering_is_gone_once_its_last_answer_is_old_enough():
    peers, clock = table()
    peers.announced(PEER)
    peers.answered(PEER.node_id, {})

    clock.now += GONE_AFTER_SECONDS - 0.1
    assert peers.failed(PEER.node_id, "connection refused") is None
    assert peers.peers[PEER.node_id].state == UP
    clock.now += 0.1
    assert peers.failed(PEER.node_id, "connection refused") == GONE
    assert peers.peers[PEER.node_id].reason == "connection refused"
    # Once: a later failure is no transition.
    assert peers.failed(PEER.node_id, "timed out") is None


def test_the_worst_case_of_a_vanished_peer_is_under_fifteen_seconds():
    # Its last answer just before it vanished; a beat every HEARTBEAT_SECONDS, each
    # failing after the heartbeat's 2 s timeout at the worst.
    worst = GONE_AFTER_SECONDS + HEARTBEAT_SECONDS + 2.0

    assert worst < 15


def test_a_peer_that_never_answers_is_gone_that_long_after_its_announcement():
    peers, clock = table()
    peers.announced(PEER)

    clock.now += GONE_AFTER_SECONDS
    assert peers.failed(PEER.node_id, "timed out") == GONE


def test_a_goodbye_makes_it_gone_at_once_and_no_longer_beaten():
    peers, _ = table()
    peers.announced(PEER)
    peers.answered(PEER.node_id, {})

    assert peers.withdrawn(PEER.node_id) == GONE
    assert peers.due() == []
    assert peers.peers[PEER.node_id].reason == "said goodbye"


def test_a_gone_peer_that_answers_again_is_up():
    peers, clock = table()
    peers.announced(PEER)
    clock.now += GONE_AFTER_SECONDS
    peers.failed(PEER.node_id, "timed out")

    assert peers.answered(PEER.node_id, {}) == UP


def test_a_peer_announced_again_after_its_goodbye_is_beaten_again_at_its_new_address():
    peers, clock = table()
    peers.announced(PEER)
    peers.withdrawn(PEER.node_id)

    clock.now += 60
    moved = Announcement(**{**PEER.__dict__, "address": "10.0.0.9"})
    assert peers.announced(moved) is None
    assert [peer.announcement.address for peer in peers.due()] == ["10.0.0.9"]
    # Not gone at once for its old silence: the clock starts at the new announcement.
    assert peers.failed(PEER.node_id, "timed out") is None


def test_a_refusal_is_its_own_state_with_the_reason():
    peers, _ = table()
    peers.announced(PEER)

    assert peers.refused(PEER.node_id, "token signed by unknown key 'k1'") == REFUSED
    assert peers.refused(PEER.node_id, "token signed by unknown key 'k1'") is None
    assert peers.peers[PEER.node_id].reason == "token signed by unknown key 'k1'"


def test_a_withdrawal_of_an_unknown_peer_changes_nothing():
    peers, _ = table()

    assert peers.withdrawn("00000000-0000-4000-8000-0000000000ff") is None
    assert peers.rows() == []
