"""The caller verifies the peer it pulls from: an answer whose proof (the peer's node
token) does not verify against the caller's cached JWKS, or is not the found node's,
is refused, logged once naming the peer, and nothing of it is taken; over a real node
API whose token was not signed by the organization's hub, and on a pull whose answer
alone is wrong."""

import logging

from unibos.node.peers.auth import held_token
from unibos.node.state import StateDir

from tests.node.keyserver import SigningKey
from tests.node.peer_api import Pulls


def refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused")]


def test_a_peer_whose_token_the_hub_did_not_sign_is_refused_and_never_pulled(peer_nodes, caplog):
    caplog.set_level(logging.INFO, logger="unibos.peers")
    forger = SigningKey()
    a, b = peer_nodes("pi-a", token_key=forger).start_api(), peer_nodes("pi-b")
    with a.store() as store:
        store.put("notes", "n1", {"title": "forged"})
    pulls = Pulls()
    watch = b.watch(a, pull=pulls)

    with b.store() as store:
        for _ in range(3):
            watch.round(store)
        (peer,) = store.peers()
        assert store.vector() == {b.node_id: 0}

    assert peer["state"] == "refused"
    assert pulls.calls == 0
    assert refusals(caplog) == [
        f"refused peer pi-a ({a.node_id} at 127.0.0.1): its proof does not verify: "
        f"token signed by unknown key {forger.kid!r}"
    ]


def test_a_pulled_answer_carrying_another_nodes_proof_is_refused(peer_nodes, caplog):
    caplog.set_level(logging.INFO, logger="unibos.peers")
    a, b, c = (peer_nodes(name) for name in ("pi-a", "pi-b", "pi-c"))
    a.start_api()
    with a.store() as store:
        store.put("notes", "n1", {"title": "on a"})
    # The heartbeat's proof is A's own; the pull's answer carries C's token instead,
    # signed by the organization's hub but not A's.
    cs_token, _ = held_token(StateDir(c.state_dir))
    pulls = Pulls(change=lambda answer: {**answer, "proof": cs_token})
    watch = b.watch(a, pull=pulls)

    with b.store() as store:
        for _ in range(3):
            watch.round(store)
        assert store.vector() == {b.node_id: 0}

    assert pulls.calls == 3
    assert refusals(caplog) == [
        f"refused peer pi-a ({a.node_id} at 127.0.0.1): its answer is refused: its proof "
        f"does not verify: the token is node {c.node_id}'s"
    ]
