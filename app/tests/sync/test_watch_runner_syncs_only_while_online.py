"""The sync runner: rounds only while online, at once for queued operations, none
(and no waking but for the detector's probes) while offline; a round that finds the
hub gone makes the detector check at once; stop ends it after the round in flight.

On a fake clock: the runner's `wait` moves the clock instead of sleeping.
"""

from collections.abc import Callable

import pytest
from unibos.node.connection import OFFLINE, ONLINE
from unibos.node.hub_client import HubUnreachable
from unibos.node.sync.agent import Round
from unibos.node.sync.detector import OfflineDetector
from unibos.node.sync.runner import Runner

from tests.sync.scripted_hubs import HUB, FakeClock, ScriptedHubs

INTERVAL = 10.0


class FakeStore:
    def __init__(self) -> None:
        self.queue = 0
        self.asked = 0

    @property
    def queued(self) -> int:
        self.asked += 1
        return self.queue


class FakeAgent:
    """Pushes the whole queue; `during` runs inside each round, as the hub would."""

    def __init__(self, store: FakeStore, clock: FakeClock) -> None:
        self.store, self.clock = store, clock
        self.rounds: list[float] = []
        self.during: Callable[[], None] = lambda: None

    def sync(self) -> Round:
        # Rounds that never wait for the clock spin forever: fail instead of hanging.
        assert len(self.rounds) < 1000, "sync rounds in a busy loop"
        self.rounds.append(self.clock.now)
        self.during()
        pushed, self.store.queue = self.store.queue, 0
        return Round(pushed, 0, 0, 0, 1)


class Harness:
    def __init__(self) -> None:
        self.clock = FakeClock()
        self.start = self.clock.now
        self.hubs = ScriptedHubs(self.clock)
        self.store = FakeStore()
        self.agent = FakeAgent(self.store, self.clock)
        self.detector = OfflineDetector(self.hubs, clock=self.clock)
        self.states: list[str] = []
        self.detector.subscribe(self.states.append)
        self.runner = Runner(
            self.agent, self.store, self.detector, INTERVAL, clock=self.clock, wait=self._wait
        )
        self.wakes = 0
        self.until = 0.0
        # (second, callable): what happens in the world at that second of fake time.
        self.events: list[tuple[float, Callable[[], None]]] = []

    def _wait(self, seconds: float) -> None:
        assert seconds > 0, "a wait of 0 s is a busy loop"
        self.wakes += 1
        self.clock.now += seconds
        for at, event in [(at, e) for at, e in self.events if at <= self.elapsed]:
            self.events.remove((at, event))
            event()
        if self.elapsed >= self.until:
            self.runner.stop()

    @property
    def elapsed(self) -> float:
        return self.clock.now - self.start

    def run_for(self, seconds: float) -> None:
        self.until = seconds
        self.runner.run()

    def rounds_at(self) -> list[float]:
        return [at - self.start for at in self.agent.rounds]


@pytest.fixture
def harness() -> Harness:
    return Harness()


def test_online_the_runner_syncs_at_once_and_then_every_interval(harness):
    harness.run_for(35)

    assert harness.rounds_at() == [0, 10, 20, 30]


def test_queued_operations_start_a_round_without_waiting_for_the_interval(harness):
    harness.events.append((3.5, lambda: setattr(harness.store, "queue", 2)))

    harness.run_for(8)

    assert harness.rounds_at() == [0, 4]


def test_offline_the_runner_runs_no_rounds_and_wakes_only_for_the_probes(harness):
    harness.hubs.up = False

    harness.run_for(120)

    assert harness.agent.rounds == []
    assert harness.store.asked == 0
    # Probes at 0, 1, 3, 7, 15, 31, 63 and 123 s: a wake for each after the first.
    assert harness.hubs.probes == harness.wakes == 7
    assert harness.states == [OFFLINE]


def test_back_online_the_queue_of_the_outage_goes_at_once(harness):
    harness.hubs.up = False
    harness.store.queue = 3
    harness.events.append((5, lambda: setattr(harness.hubs, "up", True)))

    harness.run_for(9)

    # The probe after the one at 3 s is at 7 s, and the round goes with it.
    assert harness.rounds_at() == [7]
    assert harness.states == [OFFLINE, ONLINE]


def test_a_round_that_finds_the_hub_gone_makes_the_detector_check_at_once(harness):
    def hub_dies() -> None:
        harness.hubs.up = False
        raise HubUnreachable(HUB, "connection reset")

    def write() -> None:
        harness.agent.during = hub_dies
        harness.store.queue = 1

    harness.events.append((1.5, write))

    harness.run_for(2.5)

    assert harness.rounds_at() == [0, 2]
    assert harness.states == [ONLINE, OFFLINE]
    # Probed at 0 s and right after the failed round at 2 s, not at the detector's 5 s.
    assert harness.hubs.probes == 2
    assert harness.store.queue == 1


def test_a_hub_that_fails_rounds_but_answers_its_health_check_waits_the_interval(harness):
    def fails() -> None:
        raise HubUnreachable(HUB, "/api/sync/push answered HTTP 502")

    harness.agent.during = fails
    harness.store.queue = 1

    harness.run_for(25)

    assert harness.rounds_at() == [0, 10, 20]


def test_stop_ends_the_runner_after_the_round_in_flight(harness):
    harness.store.queue = 4
    harness.agent.during = harness.runner.stop

    harness.runner.run()

    assert harness.rounds_at() == [0]
    assert harness.store.queue == 0
