"""Balancers: which of several equally preferred targets takes the next request.

A balancer sees only the targets the policy left tied, which change as targets fail and
recover, so each keeps its state by target name rather than by position.
"""

import itertools
import zlib
from collections.abc import Sequence
from typing import Protocol

from unibos.routing.table import Target


class Balancer(Protocol):
    def pick(self, candidates: Sequence[Target], key: str | None = None) -> Target:
        """One of `candidates` (never empty); `key` is what sticky balancing sticks to."""

    def release(self, target: Target) -> None:
        """The request sent to `target` has finished; only least-connections counts."""


class RoundRobin(Balancer):
    def __init__(self) -> None:
        self._turn = itertools.count()

    def pick(self, candidates: Sequence[Target], key: str | None = None) -> Target:
        return candidates[next(self._turn) % len(candidates)]


class Weighted(Balancer):
    """Smooth weighted round-robin (nginx's): weights 5:1:1 give a a b a c a a, spread
    out rather than five in a row."""

    def __init__(self) -> None:
        self._current: dict[str, int] = {}

    def pick(self, candidates: Sequence[Target], key: str | None = None) -> Target:
        total = 0
        best = candidates[0]
        best_current = None
        for target in candidates:
            current = self._current.get(target.name, 0) + target.weight
            self._current[target.name] = current
            total += target.weight
            if best_current is None or current > best_current:
                best, best_current = target, current
        self._current[best.name] -= total
        return best


class LeastConnections(Balancer):
    """The target with the fewest requests in flight; `release` ends one."""

    def __init__(self) -> None:
        self.active: dict[str, int] = {}

    def pick(self, candidates: Sequence[Target], key: str | None = None) -> Target:
        chosen = min(candidates, key=lambda target: self.active.get(target.name, 0))
        self.active[chosen.name] = self.active.get(chosen.name, 0) + 1
        return chosen

    def release(self, target: Target) -> None:
        self.active[target.name] = max(0, self.active.get(target.name, 0) - 1)


class Sticky(Balancer):
    """The same key to the same target (a node's session, a user's cache).

    Rendezvous hashing: each key goes to the target that scores highest for it, so a
    target that drops out moves only its own keys and they come back when it returns.
    """

    def pick(self, candidates: Sequence[Target], key: str | None = None) -> Target:
        if key is None:
            raise ValueError("sticky balancing needs a key to stick to")
        encoded = key.encode()
        return max(
            candidates, key=lambda target: zlib.crc32(target.name.encode(), zlib.crc32(encoded))
        )
