"""Fixtures of the node's tests, shared by tests/node and tests/cli/node.

A node here keeps its state in a temporary directory (the `settings` fixture points
UNIBOS_NODE_STATE_DIR at it). Its hub is either the real one, this process's Django
served by `live_server` (the session runs with hub settings on a real PostgreSQL), or
for the node's behaviour with a hub's keys alone, a JWKSServer.
"""

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from django.test import override_settings
from unibos.cli.node import cli
from unibos.node import jwks_cache
from unibos.node.config import NodeConfig
from unibos.node.hub_client import HubClient
from unibos.node.peers.auth import NODE_TOKEN
from unibos.node.state import Identity
from unibos_controller.testbed.servers import free_port

from tests.node.keyserver import ISSUER, JWKSServer, SigningKey
from tests.node.node_host import NODE_REDIS_DB, NodeHost

if TYPE_CHECKING:
    from tests.node.peer_api import PeerNode

ORGANIZATION = {"id": 7, "slug": "acme", "name": "Acme"}


@pytest.fixture
def node_config(tmp_path, settings) -> NodeConfig:
    settings.UNIBOS_NODE_STATE_DIR = tmp_path / "state"
    settings.UNIBOS_HUB_URL = ""
    settings.UNIBOS_HUBS = []
    settings.UNIBOS_JWKS_REFRESH_INTERVAL = 300
    return NodeConfig.from_settings()


@pytest.fixture
def jwks_server() -> Iterator[JWKSServer]:
    server = JWKSServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def hub_key(jwks_server: JWKSServer) -> SigningKey:
    """The key the JWKSServer publishes and signs with."""
    key = SigningKey()
    jwks_server.publish(key)
    return key


@pytest.fixture
def node_of_jwks_server(node_config: NodeConfig, jwks_server: JWKSServer) -> Identity:
    """A node enrolled (as `unibos enrol` leaves it) with the JWKSServer as its hub."""
    identity = Identity(
        node_id="5d0f4a4e-8a3c-4a43-9d5e-1d1d2c3b4a59",
        name="pi",
        organization=ORGANIZATION,
        issuer=ISSUER,
        hub_url=jwks_server.url,
        enrolled_at=datetime.now(UTC).isoformat(),
    )
    node_config.state.enrol(identity, "not-a-real-credential")
    return identity


@pytest.fixture
def node_with_cached_keys(
    node_of_jwks_server: Identity, jwks_server: JWKSServer, hub_key: SigningKey, settings, tmp_path
) -> Identity:
    """A node with the hub's keys (hub_key's) cached, then its hub gone: everything is
    offline, as between peers on a LAN; its sync store in tmp_path."""
    jwks_cache.JWKSCache(
        NodeConfig.from_settings().state, HubClient(jwks_server.url), 300
    ).refresh()
    jwks_server.close()
    settings.UNIBOS_SYNC_DB_PATH = tmp_path / "sync.sqlite3"
    return node_of_jwks_server


def peer_token(key: SigningKey, node_id: str, organization: int = 7) -> str:
    """A node token as the hub issues it (signed by `key`)."""
    return key.sign(organization, sub=f"node:{node_id}", role="node")


def hold_node_token(token: str, expires_at: float) -> None:
    """This node's own token as its agent keeps it (the proof its answers carry)."""
    document = json.dumps({"token": token, "expires_at": expires_at}).encode()
    NodeConfig.from_settings().state.write(NODE_TOKEN, document, 0o600)


@pytest.fixture
def peer_nodes(tmp_path) -> Iterator[Callable[..., "PeerNode"]]:
    """Makes nodes of one organization under one hub key (tests.node.peer_api), and
    stops their APIs after the test."""
    from tests.node.peer_api import PeerNode  # noqa: PLC0415

    key = SigningKey()
    made: list[PeerNode] = []

    def make(name: str, **fields: object) -> PeerNode:
        node = PeerNode(tmp_path / name, name, key, **fields)
        made.append(node)
        return node

    yield make
    for node in made:
        node.stop_api()


@pytest.fixture
def offline(settings) -> str:
    """Point the node at a port nothing listens on: the hub is unreachable."""
    settings.UNIBOS_HUB_URL = f"http://127.0.0.1:{free_port()}"
    return settings.UNIBOS_HUB_URL


@pytest.fixture
def refresh_on_every_unknown_kid(monkeypatch: pytest.MonkeyPatch) -> None:
    """No 30 s between refreshes: a test cannot wait for them (test_jwks_cache covers it)."""
    monkeypatch.setattr(jwks_cache, "UNKNOWN_KID_INTERVAL", 0.0)


@pytest.fixture(scope="session")
def hub_server(request: pytest.FixtureRequest):
    """live_server, started with a STATIC_URL.

    Its static files handler reads STATIC_URL once as it starts, and without one (the
    API has no use for it) answers every request with a 500.
    """
    with override_settings(STATIC_URL="/static/"):
        return request.getfixturevalue("live_server")


@pytest.fixture
def hub(hub_server, transactional_db):
    """The real hub, served by live_server, with organization acme and its keys."""
    # Imported here: it uses the models, which a conftest may not import before the
    # root conftest has set up Django.
    from tests.node.live_hub import LiveHub  # noqa: PLC0415

    return LiveHub.start(hub_server.url)


@pytest.fixture
def enrolled(hub, node_config: NodeConfig) -> Identity:
    """This node, enrolled with the real hub by `unibos enrol`."""
    result = CliRunner().invoke(
        cli, ["enrol", "--hub", hub.url, "--token", hub.enrolment_token(), "--name", "pi"]
    )
    assert result.exit_code == 0, result.output
    return node_config.state.identity()


@pytest.fixture(scope="module")
def node_host(tmp_path_factory, redis_server) -> Iterator[NodeHost]:
    """An enrolled node running its own worker; the worker must stop cleanly at the end."""
    host = NodeHost.start(
        tmp_path_factory.mktemp("node-host"), redis_server.client(db=NODE_REDIS_DB)
    )
    yield host
    assert host.worker.stop() == 0, host.worker.output()
