"""Which hub answers are a refusal, and which mean the hub is not there for the node."""

import socket

import pytest
from unibos.node.hub_client import HubClient, HubRefused, HubUnreachable
from unibos_controller.testbed.servers import free_port


def test_connection_refused_is_unreachable():
    url = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(HubUnreachable, match="Connection refused") as unreachable:
        HubClient(url).jwks()
    assert unreachable.value.url == url


def test_a_5xx_is_unreachable(jwks_server):
    jwks_server.failing_with = 503

    with pytest.raises(HubUnreachable, match="answered HTTP 503"):
        HubClient(jwks_server.url).jwks()


def test_a_hub_that_does_not_answer_in_time_is_unreachable():
    # Connections wait in the backlog of a socket that never answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        host, port = silent.getsockname()

        with pytest.raises(HubUnreachable, match="timed out"):
            HubClient(f"http://{host}:{port}", timeout=0.2).jwks()


def test_a_4xx_page_of_something_else_than_the_hub_is_unreachable(jwks_server):
    # The JWKSServer answers other paths with an HTML 404: a web server, not the hub.
    with pytest.raises(HubUnreachable, match="/api/me answered HTTP 404"):
        HubClient(jwks_server.url).me("token")


def test_a_4xx_of_the_real_hub_is_a_refusal_with_its_detail(hub):
    with pytest.raises(HubRefused) as refused:
        hub.client.node_token("5d0f4a4e-8a3c-4a43-9d5e-1d1d2c3b4a59", "wrong", "0.1.0")

    assert refused.value.status == 401
    assert refused.value.error == "invalid_credentials"
    assert refused.value.detail == "unknown node or wrong credential"
