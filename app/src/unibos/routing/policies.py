"""Policies: which available target is preferred. Each is a sort key over targets.

A key is a tuple; the router keeps the targets whose key equals the best one and lets
the balancer choose among them, so a policy that ties targets spreads the load over
them. Every key ends in the operator's priority, so no policy overrides which target
the operator said comes first among otherwise equal ones.
"""

from collections.abc import Callable, Mapping

from unibos.routing.table import PriorityTable, Target

# (target, table, measured latencies by name) -> sort key; lower is preferred.
Policy = Callable[[Target, PriorityTable, Mapping[str, float]], tuple[float, ...]]

# Ranks a target that has not answered yet after every one that has.
_UNMEASURED = float("inf")


def by_priority(target: Target, table: PriorityTable, latency: Mapping[str, float]) -> tuple:
    """The operator's order: the first available target in the priority table."""
    return (table.rank[target.name],)


def local_first(target: Target, table: PriorityTable, latency: Mapping[str, float]) -> tuple:
    """Local targets before remote ones: no uplink, no metered traffic, no WAN latency."""
    return (not target.local, target.priority)


def performance_based(target: Target, table: PriorityTable, latency: Mapping[str, float]) -> tuple:
    """The lowest measured latency; one not measured yet comes last, by priority."""
    return (latency.get(target.name, _UNMEASURED), table.rank[target.name])


def cost_optimized(target: Target, table: PriorityTable, latency: Mapping[str, float]) -> tuple:
    """The cheapest target; equal costs tie, so the balancer spreads over them."""
    return (target.cost, target.priority)


POLICIES: dict[str, Policy] = {
    "local_first": local_first,
    "performance_based": performance_based,
    "cost_optimized": cost_optimized,
}
