"""Waiting for a condition: the one poll loop of the tests and the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

ErrorTypes = type[Exception] | tuple[type[Exception], ...]


class WaitTimeout(TimeoutError):
    """A condition did not hold in time; the message names what was awaited."""

    def __init__(self, what: str, timeout: float, last: Any) -> None:
        super().__init__(f"{what} did not happen within {timeout:g} s (last seen: {last!r})")
        self.what = what
        self.timeout = timeout
        self.last = last


def wait_until(
    condition: Callable[[], T],
    timeout: float,
    what: str,
    *,
    interval: float = 0.5,
    errors_are_not_yet: bool | ErrorTypes = False,
) -> T:
    """Return the first truthy `condition()`, polling every `interval` seconds.

    Raises WaitTimeout naming `what` and the last value (or error) seen once `timeout`
    seconds have passed. An exception from `condition` propagates at once, unless
    `errors_are_not_yet` says it means "not yet": True for any Exception, or the
    exception types that do (a server still starting, a cluster member settling).
    """
    not_yet: ErrorTypes = Exception if errors_are_not_yet is True else errors_are_not_yet or ()
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except not_yet as error:
            last: Any = f"{type(error).__name__}: {error}"
        else:
            if value:
                return value
            last = value
        if time.monotonic() >= deadline:
            raise WaitTimeout(what, timeout, last)
        time.sleep(interval)
