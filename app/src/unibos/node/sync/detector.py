"""Is any hub answering this node? Publishes the online/offline transitions.

Built on the health checks of `unibos.node.sync.hub_routing.Hubs`. Online, it checks at a steady
interval; offline, it probes with exponential backoff (1 s doubling to a cap), so a node
that is offline for days costs the network a probe a minute, not a busy loop. A probe
that finds a hub answering flips it online at once. A hub whose circuit breaker is open
is not probed before the breaker's reset timeout: the routing layer's verdict stands,
and a request routed there would be refused by the router anyway.

The detector never sleeps: its owner (`unibos.node.sync.runner`) asks `due_in` and calls
`poll`, so the clock is the only time source and is injected for the tests.
"""

import logging
import time
from collections.abc import Callable

from unibos.node.connection import OFFLINE, ONLINE
from unibos.node.sync.hub_routing import Hubs

# Online, a dead hub is also noticed by the next sync round that fails; this interval is
# for a node with nothing to sync, whose state the operator still wants to see.
CHECK_INTERVAL_SECONDS = 5.0
BACKOFF_START_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 60.0

log = logging.getLogger("unibos.sync")

Subscriber = Callable[[str], None]


class OfflineDetector:
    def __init__(
        self,
        hubs: Hubs,
        *,
        interval: float = CHECK_INTERVAL_SECONDS,
        backoff_start: float = BACKOFF_START_SECONDS,
        backoff_cap: float = BACKOFF_CAP_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 < backoff_start <= backoff_cap:
            raise ValueError(
                f"backoff must start above 0 and at most at its cap, not {backoff_start} "
                f"and {backoff_cap}"
            )
        self.hubs = hubs
        self.interval = interval
        self.backoff_start = backoff_start
        self.backoff_cap = backoff_cap
        self._clock = clock
        # None until the first check: that check's verdict is a transition too, so the
        # subscribers learn the state they start in.
        self.state: str | None = None
        # The wait before the next check, and when that check is due.
        self.delay = 0.0
        self._next_check = clock()
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> None:
        """`subscriber(state)` on every transition, with ONLINE or OFFLINE."""
        self._subscribers.append(subscriber)

    @property
    def due_in(self) -> float:
        """Seconds until the next check; 0 when it is due."""
        return max(0.0, self._next_check - self._clock())

    def poll(self) -> None:
        """Check when a check is due; else nothing."""
        if self.due_in == 0:
            self.check()

    def recheck(self) -> None:
        """Make the next check due now: a request just failed, and waiting out the
        interval would leave the node thinking it is online."""
        self._next_check = self._clock()

    def check(self) -> str:
        """Probe the hubs now, publish a transition, schedule the next check."""
        self.hubs.check()
        state = ONLINE if self.hubs.answering else OFFLINE
        if state == ONLINE:
            self.delay = self.interval
        elif self.state != OFFLINE:
            self.delay = self.backoff_start
        else:
            self.delay = min(self.delay * 2, self.backoff_cap)
        self._next_check = self._clock() + self.delay
        if state != self.state:
            self.state = state
            self._log(state)
            for subscriber in self._subscribers:
                subscriber(state)
        return state

    def _log(self, state: str) -> None:
        if state == ONLINE:
            log.info("online: %s answering", ", ".join(self.hubs.answering))
            return
        reasons = sorted(self.hubs.health.reasons.items())
        log.warning(
            "offline: %s; probing again in %g s, backing off to %g s",
            "; ".join(f"{url}: {why}" for url, why in reasons) or "no hub answered",
            self.delay,
            self.backoff_cap,
        )
