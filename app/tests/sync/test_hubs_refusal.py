"""A hub's refusal is its answer: never retried on another hub, and the hub stays up."""

import pytest
from unibos.node.hub_client import HubRefused
from unibos.node.sync.hub_routing import Hubs
from unibos.routing.breaker import CLOSED

from tests.routing.http_hubs import FakeHub


def test_a_refusal_from_the_write_hub_reaches_the_caller_and_no_other_hub_is_asked():
    refusing, other = FakeHub().start(), FakeHub().start()
    refusing.answer = (403, {"error": "revoked", "detail": "this node is revoked"})
    try:
        node = Hubs([(refusing.url, 1), (other.url, 2)], failure_threshold=1)

        with pytest.raises(HubRefused, match="this node is revoked"):
            node.write(lambda client: client.jwks())

        assert other.requests == []
        assert node.health.breakers[refusing.url].state == CLOSED
        assert node.write_hub == refusing.url
    finally:
        refusing.stop()
        other.stop()
