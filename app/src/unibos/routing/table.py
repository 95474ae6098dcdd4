"""The targets a router may choose from, and the order an operator gave them."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    # What the caller connects to: a hub's base URL, a queue name.
    name: str
    # Lower first, as in DNS SRV records: priority 1 is the first choice.
    priority: int = 1
    # Share of the traffic for the weighted balancer.
    weight: int = 1
    # What a request there costs, in whatever unit the deployment counts (a metered
    # uplink, a cloud's egress); only its order matters.
    cost: float = 0.0
    # On this machine or its LAN: the local_first policy prefers it.
    local: bool = False


class PriorityTable:
    """Targets in priority order; equal priorities keep the order they were given in."""

    def __init__(self, targets: Sequence[Target]) -> None:
        names = [target.name for target in targets]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"targets must be distinct, and {', '.join(duplicates)} repeat")
        # Sorted once here, so a routing decision never sorts by priority again.
        ordered = sorted(enumerate(targets), key=lambda pair: (pair[1].priority, pair[0]))
        self.targets: tuple[Target, ...] = tuple(target for _, target in ordered)
        # A target's place in that order: the last tie-breaker of every policy.
        self.rank: dict[str, int] = {t.name: place for place, t in enumerate(self.targets)}

    def __iter__(self) -> Iterator[Target]:
        return iter(self.targets)

    def __len__(self) -> int:
        return len(self.targets)
