"""The node token a node shows its peers: issued by its hub, kept in the state directory
(only the node's user may read it) so that it serves while the hub is away, renewed
when near its end and the hub answers, and none once it has expired."""

import json
import stat

import jwt
from unibos.identity import tokens
from unibos.node.peers.auth import NODE_TOKEN, RENEW_BEFORE_SECONDS, RETRY_SECONDS, NodeToken


class Clock:
    now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class HubUrl:
    """The hub's URL, counting how often the token asked for it (once per renewal)."""

    def __init__(self, url: str) -> None:
        self.url, self.asked = url, 0

    def __call__(self) -> str:
        self.asked += 1
        return self.url


def cache(node_config, token: str, expires_at: float) -> None:
    document = json.dumps({"token": token, "expires_at": expires_at}).encode()
    node_config.state.write(NODE_TOKEN, document, 0o600)


def test_the_hub_issues_it_and_it_is_kept_for_the_nodes_user_only(enrolled, hub, node_config):
    credential = node_config.state.credential()

    token = NodeToken(node_config.state, enrolled, credential, lambda: hub.url).get()

    claims = tokens.verify(token, jwt.PyJWKSet.from_dict(hub.client.jwks()), issuer=enrolled.issuer)
    assert claims.subject == f"node:{enrolled.node_id}"
    assert claims.role == "node"
    kept = node_config.state.file(NODE_TOKEN)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert json.loads(kept.read_text())["token"] == token


def test_with_the_hub_away_the_kept_token_serves_until_it_expires(
    node_of_jwks_server, node_config, offline
):
    clock, hub_url = Clock(), HubUrl(offline)
    cache(node_config, "kept-token", clock.now + 60)
    token = NodeToken(node_config.state, node_of_jwks_server, "credential", hub_url, clock)

    assert token.get() == "kept-token"
    # It tried to renew it (near its end), and failed: not again before RETRY_SECONDS.
    assert hub_url.asked == 1
    assert token.get() == "kept-token"
    assert hub_url.asked == 1

    clock.now += 60
    assert token.get() is None


def test_a_token_far_from_its_end_is_used_without_asking_the_hub(
    node_of_jwks_server, node_config, offline
):
    clock, hub_url = Clock(), HubUrl(offline)
    cache(node_config, "kept-token", clock.now + RENEW_BEFORE_SECONDS + 1)
    token = NodeToken(node_config.state, node_of_jwks_server, "credential", hub_url, clock)

    assert token.get() == "kept-token"
    assert hub_url.asked == 0


def test_the_hub_is_asked_again_after_the_retry_interval(node_of_jwks_server, node_config, offline):
    clock, hub_url = Clock(), HubUrl(offline)
    token = NodeToken(node_config.state, node_of_jwks_server, "credential", hub_url, clock)

    assert token.get() is None
    clock.now += RETRY_SECONDS
    assert token.get() is None
    assert hub_url.asked == 2
