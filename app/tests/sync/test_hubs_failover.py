"""Writes go to the highest-priority hub that answers, and move when it dies."""

import time
from collections.abc import Iterator

import pytest
from unibos.node.connection import ONLINE
from unibos.node.sync.hub_routing import Hubs
from unibos.routing.breaker import OPEN

from tests.routing.fakes import FakeClock
from tests.routing.http_hubs import FakeHub


@pytest.fixture
def hubs() -> Iterator[tuple[FakeHub, FakeHub]]:
    primary, secondary = FakeHub().start(), FakeHub().start()
    yield primary, secondary
    primary.stop()
    secondary.stop()


def served_by(hubs: Hubs) -> str:
    return hubs.write(lambda client: client.jwks())["served_by"]


def test_writes_go_to_the_highest_priority_hub_whatever_the_list_order(hubs):
    primary, secondary = hubs
    node = Hubs([(secondary.url, 2), (primary.url, 1)])

    assert node.write_hub == primary.url
    assert served_by(node) == primary.url
    assert node.state == ONLINE


def test_a_write_to_a_dead_hub_is_sent_to_the_next_one_in_the_same_call(hubs):
    primary, secondary = hubs
    node = Hubs([(primary.url, 1), (secondary.url, 2)])
    primary.stop()

    assert served_by(node) == secondary.url
    assert node.health.reasons[primary.url]


def test_one_refused_health_probe_opens_the_dead_hubs_breaker_and_moves_the_write_hub(hubs):
    primary, secondary = hubs
    node = Hubs([(primary.url, 1), (secondary.url, 2)])
    primary.stop()

    node.check()

    assert node.health.breakers[primary.url].state == OPEN
    assert node.write_hub == node.write_url() == secondary.url
    assert node.health.reasons[primary.url] == "connection refused"


def test_writes_return_to_the_primary_once_it_answers_after_the_reset_timeout(hubs):
    primary, secondary = hubs
    clock = FakeClock()
    node = Hubs([(primary.url, 1), (secondary.url, 2)], reset_timeout=2.0, clock=clock)
    primary.stop()
    node.check()
    primary.start()

    node.check()
    assert node.write_hub == secondary.url

    clock.advance(2.0)
    node.check()
    assert node.write_hub == primary.url
    assert served_by(node) == primary.url


def test_the_background_watch_moves_the_write_hub_without_any_request(hubs):
    primary, secondary = hubs
    node = Hubs([(primary.url, 1), (secondary.url, 2)])

    with node.watching(interval=0.01):
        primary.stop()
        # Only a guard against hanging: how fast it moves is the bench's business.
        deadline = time.monotonic() + 30
        while node.write_hub != secondary.url and time.monotonic() < deadline:
            time.sleep(0.01)

    assert node.health.breakers[primary.url].state == OPEN
