"""A circuit breaker per target: stop sending to one that fails, try it again later.

Closed: requests go. Open: none go, until `reset_timeout` has passed; then half-open:
requests go again and the next outcome decides (success closes, failure opens anew).
The clock is injected so that the states can be tested without waiting.
"""

import time
from collections.abc import Callable

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half-open"


class CircuitBreaker:
    def __init__(
        self,
        failure_threshold: int = 3,
        reset_timeout: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError(f"failure_threshold must be at least 1, not {failure_threshold}")
        if reset_timeout <= 0:
            raise ValueError(f"reset_timeout must be positive, not {reset_timeout}")
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self._clock = clock
        self._open = False
        self._opened_at = 0.0
        self.failures = 0

    @property
    def state(self) -> str:
        if not self._open:
            return CLOSED
        # Half-open is a matter of time passing, so it is computed, not stored.
        return HALF_OPEN if self._clock() - self._opened_at >= self.reset_timeout else OPEN

    def available(self) -> bool:
        """May a request go there now? Asked on every routing decision, so it is cheap."""
        return not self._open or self._clock() - self._opened_at >= self.reset_timeout

    def record_success(self) -> None:
        self._open = False
        self.failures = 0

    def record_failure(self, decisive: bool = False) -> None:
        """One more failure; `decisive` opens at once (a refused connection: nothing
        listens there, and waiting for more evidence only delays the failover)."""
        self.failures += 1
        if decisive or self._open or self.failures >= self.failure_threshold:
            # From half-open a single failure reopens: the trial failed.
            self._open = True
            self._opened_at = self._clock()
