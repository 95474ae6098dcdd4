"""`unibos sync --watch`, a real subprocess against the real hub: it pushes what the
node writes, goes offline once when the hub goes dark and probes it only on the backoff
schedule, pushes what queued up when the hub is back, and exits 0 on SIGTERM.

The hub is reached through a relay (tests.sync.relay) that can go dark while still
counting the requests it receives.
"""

import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.sync.nodes import hub_operations
from tests.sync.relay import Relay
from tests.sync.test_killed_agent_syncs_exactly_once import UNIBOS, node_environment

# Generous: the subprocess starts Django, and the CI may be busy. Also more than the
# longest wait for a dark probe (the backoff's 8 s, when the hub's circuit breaker, open
# for 2 s, skips the first probe).
WAIT_SECONDS = 15.0
# The dark hub's probes that are timed: two gaps, so the second can be seen to be longer.
DARK_PROBES = 3


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {WAIT_SECONDS} s for {what}")
        time.sleep(0.1)


def arrival_times(relay: Relay, first: int, count: int) -> list[float]:
    """When requests first+1 .. first+count reached the relay, as seen by polling it every
    0.1 s (so each time is late by at most that)."""
    times = []
    for number in range(first + 1, first + count + 1):
        wait_for(lambda n=number: len(relay.requests) >= n, f"request {number - first} in the dark")
        times.append(time.monotonic())
    return times


def logged(log: Path, pattern: str) -> list[str]:
    return re.findall(f"^.*unibos.sync: {pattern}.*$", log.read_text(), re.MULTILINE)


@pytest.fixture
def relay(hub):
    relay = Relay(hub.url)
    yield relay
    relay.stop()


def write(node, first: int, count: int) -> None:
    for number in range(first, first + count):
        node.store.put("notes", f"n{number}", {"title": f"note {number}"})


def test_the_watching_agent_syncs_goes_offline_once_backs_off_and_catches_up(
    node_a, relay, tmp_path
):
    log = tmp_path / "watch.log"
    environment = {
        **node_environment(node_a, tmp_path),
        "UNIBOS_HUBS": relay.url,
        "UNIBOS_SYNC_INTERVAL": "1",
        "UNIBOS_LOG_LEVEL": "INFO",
    }
    with log.open("w") as output:
        agent = subprocess.Popen(
            [str(UNIBOS), "sync", "--watch"], env=environment, stdout=output, stderr=output
        )
    try:
        write(node_a, 1, 5)
        wait_for(lambda: len(hub_operations(node_a.node_id)) == 5, "the first 5 operations")
        assert len(logged(log, "online: ")) == 1

        relay.up = False
        wait_for(lambda: logged(log, "offline: "), "the agent to log offline")
        dark_from = len(relay.requests)
        write(node_a, 6, 3)
        probed_at = arrival_times(relay, dark_from, DARK_PROBES)
        dark = relay.requests[dark_from:]

        assert logged(log, "offline: ") == [
            f"WARNING unibos.sync: offline: {relay.url}: /api/ready answered HTTP 503; "
            "probing again in 1 s, backing off to 60 s"
        ]
        # Probing, on the backoff schedule, and nothing but probing: no sync rounds. The
        # gaps double (1, 2, 4, 8 s; the circuit breaker may skip the first probe), each
        # counted from the probe before it: a second gap at least 1 s longer than the first
        # tells that from probing at a steady rate, even with a probe up to 1 s late on a
        # busy host.
        assert set(dark) == {("GET", "/api/ready")}, dark
        first_gap, second_gap = probed_at[1] - probed_at[0], probed_at[2] - probed_at[1]
        assert first_gap >= 1.5, probed_at
        assert second_gap >= first_gap + 1.0, probed_at
        assert len(hub_operations(node_a.node_id)) == 5

        relay.up = True
        wait_for(lambda: len(hub_operations(node_a.node_id)) == 8, "the 3 queued operations")
        assert len(logged(log, "online: ")) == 2
        assert hub_operations(node_a.node_id) == [
            (op["seq"], op["hlc"]) for op in node_a.store.operations()
        ]

        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=WAIT_SECONDS) == 0, log.read_text()
        assert logged(log, "stopped")
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait()
