"""The sync service behind `unibos sync --watch`, the node's long-running sync agent.

Subscribed to the offline detector: online, it runs agent rounds (push, then pull) when
the store has queued operations and at least every `interval` seconds; offline, it runs
none and sleeps until the detector's next probe, so a node without a network does no
work but that backed-off probe. A round that finds the hub unreachable makes the
detector check at once. `stop` (SIGTERM) ends the loop after the round in flight; the
store and the hub's high-water mark make a round safe to cut anywhere anyway.
"""

import logging
import threading
import time
from collections.abc import Callable

from unibos.node.connection import ONLINE
from unibos.node.hub_client import HubRefused, HubUnreachable
from unibos.node.sync.agent import Agent
from unibos.node.sync.detector import OfflineDetector
from unibos.node.sync.store import SyncStore

# Online, how often the store is asked for queued operations: a local write reaches the
# hub within this, and the question is one SQLite count.
QUEUE_POLL_SECONDS = 1.0

log = logging.getLogger("unibos.sync")


class Runner:
    def __init__(
        self,
        agent: Agent,
        store: SyncStore,
        detector: OfflineDetector,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[float], object] | None = None,
    ) -> None:
        """`wait(seconds)` sleeps until then or until `stop`; the tests pass one that
        moves their fake `clock` instead."""
        self.agent, self.store, self.detector = agent, store, detector
        self.interval = interval
        self._clock = clock
        self.online = False
        # The next round that the interval asks for, whatever the queue.
        self._next_round = clock()
        # No round before this: after a failed round, the queue must not retry it at
        # once, or a hub that answers its health check but fails every push would be
        # hammered.
        self._held_until = clock()
        self._stopping = threading.Event()
        self._wait = wait or self._stopping.wait
        detector.subscribe(self._transition)

    def stop(self) -> None:
        """End `run` after the round in flight; safe to call from a signal handler."""
        self._stopping.set()

    def run(self) -> None:
        log.info(
            "watching: a sync round every %g s while online, sooner when operations are queued",
            self.interval,
        )
        while not self._stopping.is_set():
            self.detector.poll()
            if self.online and self._round_due():
                self._round()
                continue
            self._wait(self._sleep())
        log.info("stopped")

    def _transition(self, state: str) -> None:
        self.online = state == ONLINE
        if self.online:
            # Back online: what queued up while offline goes now.
            self._next_round = self._held_until = self._clock()

    def _round_due(self) -> bool:
        now = self._clock()
        if now < self._held_until:
            return False
        return now >= self._next_round or self.store.queued > 0

    def _round(self) -> None:
        try:
            done = self.agent.sync()
        except HubUnreachable as error:
            log.warning("sync round failed: %s", error)
            self._hold()
            self.detector.recheck()
            return
        except HubRefused as error:
            # The hub's answer, the same on a retry: wait the interval, not the queue.
            log.error("sync round refused: %s", error)
            self._hold()
            return
        self._next_round = self._clock() + self.interval
        if done.pushed or done.pulled or done.conflicts:
            log.info(
                "synced: pushed %d, skipped %d, pulled %d, conflicts %d",
                done.pushed,
                done.skipped,
                done.pulled,
                done.conflicts,
            )

    def _hold(self) -> None:
        self._next_round = self._held_until = self._clock() + self.interval

    def _sleep(self) -> float:
        """Until the next thing to do: offline, only the detector's next probe."""
        if not self.online:
            return self.detector.due_in
        until_round = max(0.0, self._next_round - self._clock())
        return min(self.detector.due_in, until_round, QUEUE_POLL_SECONDS)
