"""The sync agent's peer watch: it beats the announced peers of its organization (never
another organization's), verifies the proof each answer carries, records each answer or
failure, logs each transition and each refusal once, and saves the table to the sync
store, where `unibos peers` reads it."""

import logging
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from unibos.node.peers import heartbeat
from unibos.node.peers.auth import PeerRefused
from unibos.node.peers.table import GONE_AFTER_SECONDS, Announcement, PeerTable
from unibos.node.peers.watch import PeerWatch
from unibos.node.state import JWKS, Identity, StateDir
from unibos.node.sync.store import SyncStore
from unibos_controller.testbed.waiting import wait_until

from tests.node.keyserver import SigningKey

ME = Identity(
    node_id="00000000-0000-4000-8000-00000000000a",
    name="pi-hall",
    organization={"id": 7, "slug": "acme", "name": "Acme"},
    issuer="unibos-hub",
    hub_url="http://127.0.0.1:9",
    enrolled_at=datetime.now(UTC).isoformat(),
)
KITCHEN = Announcement(
    "00000000-0000-4000-8000-00000000000b",
    "pi-kitchen",
    "10.0.0.2",
    8001,
    7,
    "0.1.0",
    "pi-kitchen-00000000.local",
)
STRANGER = Announcement(
    "00000000-0000-4000-8000-00000000000c",
    "pi-next-door",
    "10.0.0.3",
    8001,
    8,
    "0.1.0",
    "pi-next-door-00000000.local",
)


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


# The hub's key, which this node's cached JWKS holds and its peers' tokens are signed by.
HUB_KEY = SigningKey()


def proof(peer: Announcement = KITCHEN, key: SigningKey = HUB_KEY) -> str:
    """The node token a peer's answer carries."""
    return key.sign(peer.organization, sub=f"node:{peer.node_id}", role="node")


class Token:
    def __init__(self, state: StateDir, token: str | None = "node-token") -> None:
        self.state, self.token = state, token

    def get(self) -> str | None:
        return self.token


class Mdns:
    """The discovery's stand-in: the test announces and withdraws peers."""

    def __init__(self, on_announced, on_withdrawn) -> None:
        self.announce, self.withdraw = on_announced, on_withdrawn
        self.started = self.stopped = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.stopped = True


class Peers:
    """The peers' answers: a vector, a refusal or silence, by address."""

    def __init__(self) -> None:
        self.answers: dict[str, object] = {}
        self.calls: list[tuple[str, int, str, str]] = []

    def __call__(self, address, port, host, token, identity):
        self.calls.append((address, port, host, token))
        answer = self.answers.get(address, heartbeat.PeerUnreachable("connection refused"))
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def store(tmp_path):
    with SyncStore(tmp_path / "sync.sqlite3", ME.node_id) as opened:
        yield opened


@pytest.fixture
def state(tmp_path) -> StateDir:
    """This node's state directory, holding the hub's keys as last fetched."""
    state = StateDir(tmp_path / "state")
    state.write_json(JWKS, {"keys": [HUB_KEY.jwk], "fetched_at": datetime.now(UTC).isoformat()})
    return state


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def peers() -> Peers:
    return Peers()


@pytest.fixture
def watch(store, state, clock, peers) -> PeerWatch:
    return PeerWatch(ME, store.path, Token(state), Mdns, table=PeerTable(clock), beat=peers)


def test_an_announced_peer_is_beaten_and_saved_up_with_its_vector(watch, store, peers):
    watch.discovery.announce(KITCHEN)
    peers.answers["10.0.0.2"] = {
        "node_id": KITCHEN.node_id,
        "vector": {KITCHEN.node_id: 5},
        "proof": proof(),
    }

    watch.round(store)

    assert peers.calls == [("10.0.0.2", 8001, "pi-kitchen-00000000.local", "node-token")]
    (saved,) = store.peers()
    assert saved["name"] == "pi-kitchen"
    assert saved["state"] == "up"
    assert saved["vector"] == {KITCHEN.node_id: 5}
    assert saved["last_seen"] == 1000.0


def test_another_organizations_node_is_never_beaten_nor_listed(watch, store, peers):
    watch.discovery.announce(STRANGER)

    watch.round(store)

    assert peers.calls == []
    assert store.peers() == []


def test_a_peer_that_stops_answering_is_saved_gone(watch, store, peers, clock, caplog):
    caplog.set_level(logging.INFO, logger="unibos.peers")
    watch.discovery.announce(KITCHEN)
    peers.answers["10.0.0.2"] = {"node_id": KITCHEN.node_id, "vector": {}, "proof": proof()}
    watch.round(store)

    del peers.answers["10.0.0.2"]
    clock.now += GONE_AFTER_SECONDS
    watch.round(store)
    watch.round(store)

    assert store.peers()[0]["state"] == "gone"
    assert store.peers()[0]["reason"] == "connection refused"
    transitions = [r.getMessage() for r in caplog.records if " is " in r.getMessage()]
    assert transitions == [
        f"peer pi-kitchen ({KITCHEN.node_id} at 10.0.0.2) is up",
        f"peer pi-kitchen ({KITCHEN.node_id} at 10.0.0.2) is gone",
    ]


def test_a_goodbye_stops_the_beats(watch, store, peers):
    watch.discovery.announce(KITCHEN)
    watch.discovery.withdraw(KITCHEN.node_id)

    watch.round(store)

    assert peers.calls == []
    assert store.peers()[0]["state"] == "gone"


def test_a_peer_that_refuses_this_node_is_logged_once_naming_it(watch, store, peers, caplog):
    caplog.set_level(logging.WARNING, logger="unibos.peers")
    watch.discovery.announce(KITCHEN)
    peers.answers["10.0.0.2"] = PeerRefused(401, "token signed by unknown key 'k9'")

    for _ in range(3):
        watch.round(store)

    assert store.peers()[0]["state"] == "refused"
    assert [r.getMessage() for r in caplog.records] == [
        f"refused peer pi-kitchen ({KITCHEN.node_id} at 10.0.0.2): it refuses this node: "
        "token signed by unknown key 'k9'"
    ]


def test_a_peer_answering_as_another_node_is_refused(watch, store, peers):
    watch.discovery.announce(KITCHEN)
    peers.answers["10.0.0.2"] = {
        "node_id": STRANGER.node_id,
        "vector": {},
        "proof": proof(STRANGER),
    }

    watch.round(store)

    assert store.peers()[0]["state"] == "refused"
    assert store.peers()[0]["reason"] == f"it answered as node {STRANGER.node_id}"


def test_without_a_node_token_no_peer_is_called(store, state, clock, peers, caplog):
    caplog.set_level(logging.WARNING, logger="unibos.peers")
    watch = PeerWatch(ME, store.path, Token(state, None), Mdns, table=PeerTable(clock), beat=peers)
    watch.discovery.announce(KITCHEN)

    watch.round(store)
    watch.round(store)

    assert peers.calls == []
    assert len(caplog.records) == 1
    assert "no node token" in caplog.records[0].getMessage()


def test_the_thread_announces_beats_and_says_goodbye_when_stopped(store, state, clock, peers):
    watch = PeerWatch(
        ME, store.path, Token(state), Mdns, table=PeerTable(clock), beat=peers, interval=0.05
    )
    watch.discovery.announce(KITCHEN)
    peers.answers["10.0.0.2"] = {"node_id": KITCHEN.node_id, "vector": {}, "proof": proof()}

    watch.start()
    try:
        wait_until(
            lambda: store.peers() and store.peers()[0]["state"] == "up",
            5,
            "the peer saved up",
            interval=0.02,
        )
    finally:
        watch.stop(timeout=5)

    assert watch.discovery.started and watch.discovery.stopped


class BrokenMdns(Mdns):
    def start(self) -> None:
        raise OSError(19, "No such device")


def test_a_failing_discovery_is_logged_and_leaves_the_agent_running(
    store, state, clock, peers, caplog
):
    caplog.set_level(logging.ERROR, logger="unibos.peers")
    watch = PeerWatch(ME, store.path, Token(state), BrokenMdns, table=PeerTable(clock), beat=peers)

    watch.start()
    watch.stop(timeout=5)

    assert not watch._thread.is_alive()
    assert [r.getMessage() for r in caplog.records] == [
        "the peer watch failed; peers are not looked for until a restart"
    ]


def test_a_round_that_changes_nothing_writes_nothing(watch, store, clock):
    # Found, not answering yet: its row stays the same from one round to the next.
    watch.discovery.announce(KITCHEN)
    watch.round(store)
    written = store.db.total_changes

    clock.now += 1
    watch.round(store)

    assert store.db.total_changes == written
    assert store.peers()[0]["state"] == "found"


def test_an_answer_whose_proof_does_not_verify_is_refused_and_logged_once(
    watch, store, peers, caplog
):
    caplog.set_level(logging.WARNING, logger="unibos.peers")
    watch.discovery.announce(KITCHEN)
    # Signed by a key this node's cached JWKS lacks: not the organization's hub's.
    forger = SigningKey()
    peers.answers["10.0.0.2"] = {
        "node_id": KITCHEN.node_id,
        "vector": {},
        "proof": proof(key=forger),
    }

    for _ in range(3):
        watch.round(store)

    (saved,) = store.peers()
    assert saved["state"] == "refused"
    assert saved["vector"] is None
    assert [r.getMessage() for r in caplog.records] == [
        f"refused peer pi-kitchen ({KITCHEN.node_id} at 10.0.0.2): its proof does not verify: "
        f"token signed by unknown key {forger.kid!r}"
    ]


@pytest.mark.parametrize(
    ("carried", "reason"),
    [
        (None, "its answer carries no proof of who it is (a node token)"),
        (
            proof(STRANGER),
            f"its proof does not verify: node {STRANGER.node_id} is of organization 8; "
            "this node serves organization 7",
        ),
        (
            proof(replace(STRANGER, organization=7)),
            f"its proof does not verify: the token is node {STRANGER.node_id}'s",
        ),
    ],
    ids=["none", "another organizations node", "another node"],
)
def test_an_answer_without_the_found_nodes_proof_is_refused(watch, store, peers, carried, reason):
    watch.discovery.announce(KITCHEN)
    peers.answers["10.0.0.2"] = {"node_id": KITCHEN.node_id, "vector": {}, "proof": carried}

    watch.round(store)

    (saved,) = store.peers()
    assert (saved["state"], saved["reason"]) == ("refused", reason)
