"""With no hub answering the node is offline, and says why for each hub."""

import pytest
from unibos.node.connection import OFFLINE
from unibos.node.hub_client import HubUnreachable
from unibos.node.sync.hub_routing import Hubs, NoHubAnswered

from tests.routing.http_hubs import FakeHub


def test_a_node_whose_hubs_all_refuse_connections_is_offline_and_names_each_hub():
    first, second = FakeHub(), FakeHub()
    node = Hubs([(first.url, None), (second.url, None)])

    node.check()

    assert node.state == OFFLINE
    assert node.write_hub is None
    assert node.read_hub is None
    with pytest.raises(NoHubAnswered) as raised:
        node.write(lambda client: client.jwks())
    assert raised.value.reasons == {
        first.url: "connection refused",
        second.url: "connection refused",
    }


def test_an_offline_node_has_no_write_url_to_give_the_sync_agent():
    hub = FakeHub()
    node = Hubs([(hub.url, None)])
    node.check()

    with pytest.raises(NoHubAnswered, match="connection refused"):
        node.write_url()


def test_no_hub_answering_is_a_hub_unreachable_so_single_hub_callers_fall_back_as_before():
    node = Hubs([(FakeHub().url, None)])

    with pytest.raises(HubUnreachable, match="Connection refused"):
        node.write(lambda client: client.jwks())


def test_a_server_error_to_a_request_counts_as_a_failure_not_as_a_refusal():
    hub = FakeHub().start()
    hub.answer = (503, {"status": "failing"})
    try:
        node = Hubs([(hub.url, None)], failure_threshold=1)

        with pytest.raises(NoHubAnswered, match="answered HTTP 503"):
            node.write(lambda client: client.jwks())
        assert node.state == OFFLINE
    finally:
        hub.stop()


def test_a_hub_that_is_not_ready_fails_its_health_check_and_leaves_the_rotation():
    not_ready, ready = FakeHub().start(), FakeHub().start()
    not_ready.ready_status = 503
    try:
        node = Hubs([(not_ready.url, 1), (ready.url, 2)], failure_threshold=1)

        node.check()

        assert node.write_hub == ready.url
        assert node.health.reasons == {not_ready.url: "/api/ready answered HTTP 503"}
    finally:
        not_ready.stop()
        ready.stop()
