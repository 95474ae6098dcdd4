"""Hybrid logical clock: `(wall_ms, counter, node_id)`, written so that strings sort
in causal order.

The clock never goes backwards: a wall clock set back only makes the counter count,
and a restart continues from the last timestamp the caller persisted (the node's store
keeps it in the same transaction as the operation that used it).
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

WALL_DIGITS = 13
COUNTER_DIGITS = 5
MAX_COUNTER = 10**COUNTER_DIGITS - 1
PATTERN = re.compile(r"(\d{13}):(\d{5}):([0-9a-f-]{36})")


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int
    node_id: str

    def __str__(self) -> str:
        return f"{self.wall_ms:013d}:{self.counter:05d}:{self.node_id}"

    @classmethod
    def parse(cls, text: str) -> "Timestamp":
        match = PATTERN.fullmatch(text)
        if match is None:
            raise ValueError(f"{text!r} is not <wall_ms:13 digits>:<counter:5 digits>:<node uuid>")
        return cls(int(match[1]), int(match[2]), match[3])


class Clock:
    """One node's clock; `wall` is injectable so a test can set the time back."""

    def __init__(
        self, node_id: str, last: Timestamp | None = None, wall: Callable[[], int] = wall_ms
    ) -> None:
        self.node_id = node_id
        self.last = last or Timestamp(0, 0, node_id)
        self.wall = wall

    def now(self) -> Timestamp:
        """The timestamp of a local event."""
        return self._advance(self.last)

    def observe(self, remote: Timestamp) -> Timestamp:
        """Take in a timestamp from elsewhere: what happens next here comes after it."""
        return self._advance(max(self.last, Timestamp(remote.wall_ms, remote.counter, "")))

    def _advance(self, floor: Timestamp) -> Timestamp:
        physical = self.wall()
        if physical > floor.wall_ms:
            stamp = Timestamp(physical, 0, self.node_id)
        elif floor.counter < MAX_COUNTER:
            stamp = Timestamp(floor.wall_ms, floor.counter + 1, self.node_id)
        else:
            # The counter's digits are full: borrow a millisecond from the future.
            stamp = Timestamp(floor.wall_ms + 1, 0, self.node_id)
        self.last = max(self.last, stamp)
        return self.last
