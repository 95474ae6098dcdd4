"""Reads go to the nearest hub: the lowest latency the health checks measured."""

from collections.abc import Iterator

import pytest
from unibos.node.sync.hub_routing import Hubs

from tests.routing.http_hubs import FakeHub


@pytest.fixture
def far_and_near() -> Iterator[tuple[FakeHub, FakeHub]]:
    far, near = FakeHub().start(), FakeHub().start()
    far.ready_delay = 0.2
    yield far, near
    far.stop()
    near.stop()


def test_reads_go_to_the_hub_that_answers_fastest_even_when_it_is_not_the_write_hub(
    far_and_near,
):
    far, near = far_and_near
    node = Hubs([(far.url, 1), (near.url, 2)])

    node.check()

    assert node.write_hub == far.url
    assert node.read_hub == near.url
    assert node.read(lambda client: client.jwks())["served_by"] == near.url


def test_reads_fall_back_to_the_far_hub_when_the_near_one_dies(far_and_near):
    far, near = far_and_near
    node = Hubs([(far.url, 1), (near.url, 2)])
    node.check()
    near.stop()

    assert node.read(lambda client: client.jwks())["served_by"] == far.url
