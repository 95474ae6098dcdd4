"""What is known about each target: its circuit breaker and its measured latency.

Probes and real requests report here alike, so a failed request counts as much as a
failed probe. `check` runs the probe on every target whose breaker lets a request
through, all at once, so one target that hangs does not delay the verdict on the others.
"""

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from unibos.routing.breaker import CircuitBreaker
from unibos.routing.table import Target

# Weight of the newest latency sample: recent enough to follow a changing link, smooth
# enough that one slow answer does not reorder the targets.
LATENCY_SMOOTHING = 0.3


class ProbeFailed(Exception):
    def __init__(self, reason: str, decisive: bool = False) -> None:
        self.reason, self.decisive = reason, decisive
        super().__init__(reason)


# Answers in seconds of latency, or raises ProbeFailed.
Probe = Callable[[Target], float]


class HealthChecker:
    def __init__(
        self,
        targets: Iterable[Target],
        probe: Probe,
        failure_threshold: int = 3,
        reset_timeout: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._targets = tuple(targets)
        self._probe = probe
        self.breakers = {
            target.name: CircuitBreaker(failure_threshold, reset_timeout, clock)
            for target in self._targets
        }
        # Seconds, smoothed; absent until the target has answered once.
        self.latency: dict[str, float] = {}
        # Why each target last failed, for the operator.
        self.reasons: dict[str, str] = {}

    def available(self, target: Target) -> bool:
        return self.breakers[target.name].available()

    def succeeded(self, target: Target, latency: float | None = None) -> None:
        self.breakers[target.name].record_success()
        self.reasons.pop(target.name, None)
        if latency is not None:
            previous = self.latency.get(target.name)
            self.latency[target.name] = (
                latency if previous is None else previous + LATENCY_SMOOTHING * (latency - previous)
            )

    def failed(self, target: Target, reason: str, decisive: bool = False) -> None:
        self.breakers[target.name].record_failure(decisive)
        self.reasons[target.name] = reason

    def check(self) -> None:
        """Probe every target that may be asked now; an open breaker waits its turn."""
        due = [target for target in self._targets if self.available(target)]
        if not due:
            return
        with ThreadPoolExecutor(max_workers=len(due)) as pool:
            for target, outcome in zip(due, pool.map(self._outcome, due), strict=True):
                if isinstance(outcome, ProbeFailed):
                    self.failed(target, outcome.reason, outcome.decisive)
                else:
                    self.succeeded(target, outcome)

    def _outcome(self, target: Target) -> float | ProbeFailed:
        try:
            return self._probe(target)
        except ProbeFailed as failure:
            return failure
