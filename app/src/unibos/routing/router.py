"""The routing decision: the available targets, the policy's best, the balancer's pick.

Runs on every request, so it is one pass over a handful of targets with no sorting and
no I/O: the health checker has already measured what the policy needs.
"""

from collections.abc import Mapping
from typing import Protocol

from unibos.routing.balancers import Balancer
from unibos.routing.policies import Policy, by_priority
from unibos.routing.table import PriorityTable, Target


class Health(Protocol):
    """What the router asks of a health source: a HealthChecker probing hubs, or the
    task router's view of live workers and queue lengths."""

    latency: Mapping[str, float]

    def available(self, target: Target) -> bool: ...


class NoRoute(Exception):
    def __init__(self) -> None:
        super().__init__("no target is available: every circuit breaker is open")


class Router:
    def __init__(
        self,
        table: PriorityTable,
        health: Health,
        policy: Policy = by_priority,
        balancer: Balancer | None = None,
    ) -> None:
        self.table, self.health, self.policy, self.balancer = table, health, policy, balancer

    def route(self, key: str | None = None) -> Target:
        """The target for the next request; NoRoute when none is available."""
        latency = self.health.latency
        best: tuple | None = None
        tied: list[Target] = []
        for target in self.table.targets:
            if not self.health.available(target):
                continue
            rank = self.policy(target, self.table, latency)
            if best is None or rank < best:
                best, tied = rank, [target]
            elif rank == best:
                tied.append(target)
        if not tied:
            raise NoRoute()
        # Without a balancer the tie goes to the table's order, which is the operator's.
        return tied[0] if self.balancer is None else self.balancer.pick(tied, key)

    def ranked(self) -> list[Target]:
        """Every available target, best first: the order to fail over in."""
        latency = self.health.latency
        available = [target for target in self.table.targets if self.health.available(target)]
        return sorted(available, key=lambda target: self.policy(target, self.table, latency))

    def release(self, target: Target) -> None:
        if self.balancer is not None:
            self.balancer.release(target)
