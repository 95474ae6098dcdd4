"""The offline detector publishes each online/offline transition once, backs off while
offline (1 s doubling to 60 s) and checks at a steady 5 s while online.

The hubs are real `Hubs` (breakers and all) whose probe is scripted, on a fake clock.
"""

import logging

import pytest
from unibos.node.connection import OFFLINE, ONLINE
from unibos.node.sync.detector import OfflineDetector

from tests.sync.scripted_hubs import HUB, FakeClock, ScriptedHubs


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hubs(clock) -> ScriptedHubs:
    return ScriptedHubs(clock)


@pytest.fixture
def published(hubs, clock) -> tuple[OfflineDetector, list[str]]:
    detector = OfflineDetector(hubs, clock=clock)
    states: list[str] = []
    detector.subscribe(states.append)
    return detector, states


def run_for(detector: OfflineDetector, clock: FakeClock, seconds: float) -> None:
    """Poll every 0.1 s of fake time, as eagerly as any loop could."""
    end = clock.now + seconds
    while clock.now < end:
        detector.poll()
        clock.now += 0.1


def test_the_first_check_publishes_the_state_the_node_starts_in(published):
    detector, states = published

    assert detector.check() == ONLINE
    assert states == [ONLINE]


def test_one_failed_probe_is_enough_to_go_offline(published, hubs):
    detector, states = published
    detector.check()
    hubs.up = False

    assert detector.check() == OFFLINE
    assert states == [ONLINE, OFFLINE]


def test_offline_probes_back_off_from_one_second_doubling_to_a_sixty_second_cap(
    published, hubs, clock
):
    detector, _ = published
    hubs.up = False
    delays = []
    for _ in range(9):
        detector.check()
        delays.append(detector.delay)
        clock.now += detector.delay

    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_an_offline_node_polled_eagerly_probes_only_on_the_backoff_schedule(published, hubs, clock):
    detector, states = published
    hubs.up = False

    run_for(detector, clock, 300)

    # Probes at 0, 1, 3, 7, 15, 31, 63, 123, 183 and 243 s: not one per poll (3000).
    assert hubs.probes == 10
    assert states == [OFFLINE]


def test_going_offline_is_published_and_logged_once_however_long_it_lasts(
    published, hubs, clock, caplog
):
    detector, states = published
    with caplog.at_level(logging.INFO, logger="unibos.sync"):
        detector.check()
        hubs.up = False
        run_for(detector, clock, 120)

    assert states == [ONLINE, OFFLINE]
    messages = [record.getMessage() for record in caplog.records if record.name == "unibos.sync"]
    assert messages == [
        f"online: {HUB} answering",
        f"offline: {HUB}: /api/ready answered HTTP 503; probing again in 1 s, backing off to 60 s",
    ]


def test_a_probe_that_finds_a_hub_again_flips_the_node_online_at_once(published, hubs, clock):
    detector, states = published
    hubs.up = False
    run_for(detector, clock, 30)
    hubs.up = True
    probes = hubs.probes

    # The next probe is due at 31 s, 16 s after the one at 15 s: no waiting for the cap.
    clock.now += detector.due_in
    detector.poll()

    assert hubs.probes == probes + 1
    assert states == [OFFLINE, ONLINE]
    assert detector.delay == 5


def test_an_online_node_checks_every_five_seconds(published, hubs, clock):
    detector, states = published

    run_for(detector, clock, 60)

    assert hubs.probes == 12
    assert states == [ONLINE]


def test_a_recheck_makes_the_next_check_due_now_instead_of_after_the_interval(
    published, hubs, clock
):
    detector, states = published
    detector.check()
    hubs.up = False
    assert detector.due_in == 5

    detector.recheck()
    detector.poll()

    assert states == [ONLINE, OFFLINE]
    assert hubs.probes == 2


def test_going_offline_again_restarts_the_backoff_at_one_second(published, hubs, clock):
    detector, _ = published
    hubs.up = False
    run_for(detector, clock, 100)
    hubs.up = True
    clock.now += detector.due_in
    detector.poll()
    hubs.up = False

    detector.check()

    assert detector.delay == 1
