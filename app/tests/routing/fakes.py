"""Stand-ins for the pure-logic tests: a clock moved by hand and a scripted probe."""

from collections.abc import Callable

from unibos.routing.table import Target
from unibos.routing.target_health import HealthChecker, ProbeFailed


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class ScriptedProbe:
    """Answers each target's latency, or fails it, as the test says; counts the probes."""

    def __init__(self) -> None:
        self.latency: dict[str, float] = {}
        self.failures: dict[str, ProbeFailed] = {}
        self.probed: list[str] = []

    def __call__(self, target: Target) -> float:
        self.probed.append(target.name)
        if target.name in self.failures:
            raise self.failures[target.name]
        return self.latency.get(target.name, 0.01)


def checker(
    targets: list[Target], clock: Callable[[], float] | None = None, threshold: int = 3
) -> tuple[HealthChecker, ScriptedProbe]:
    """A health checker with a 5 s reset timeout, and the probe that scripts it."""
    probe = ScriptedProbe()
    return HealthChecker(targets, probe, threshold, 5.0, clock or FakeClock()), probe
