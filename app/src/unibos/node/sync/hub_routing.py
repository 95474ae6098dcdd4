"""The node's hubs: one write hub, reads from the nearest, failover, offline when none answers.

Built on `unibos.routing`: writes go to the highest-priority hub whose circuit breaker
is not open (the `by_priority` policy), reads to the lowest measured latency
(`performance_based`). A request that finds its hub unreachable is tried on the next
one at once, so a dead hub costs one failed connection, not a wait for the health
checker. The health checker probes `GET /api/ready` with a short timeout; a refused
connection opens the hub's breaker at once (nothing listens there), other failures after
`failure_threshold` in a row. Requests are the caller's, on `HubClient`, so "unreachable"
and "refused" keep their meaning: a refusal is the hub's answer and is never retried
elsewhere (the other hubs share its database and would say the same).

Only retry-safe requests belong here: a request that timed out may have been applied,
and is sent again to the next hub. Sync pushes are (the hub skips seqs it has applied).
"""

import http.client
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar
from urllib.parse import urlsplit

from django.conf import settings

from unibos.node.config import NodeConfig
from unibos.node.connection import OFFLINE, ONLINE
from unibos.node.hub_client import TIMEOUT_SECONDS, HubClient, HubRefused, HubUnreachable
from unibos.node.state import Identity
from unibos.routing.policies import by_priority, performance_based
from unibos.routing.router import NoRoute, Router
from unibos.routing.table import PriorityTable, Target
from unibos.routing.target_health import HealthChecker, ProbeFailed

# A hub's readiness answers in milliseconds; one that takes longer than this is no hub to
# fail over to, and a probe must never hold the verdict on a dead hub for seconds.
PROBE_TIMEOUT_SECONDS = 0.5
# Consecutive failures (other than a refused connection) that open a hub's breaker.
FAILURE_THRESHOLD = 3
# How long an open breaker keeps requests away before the hub is tried again.
RESET_TIMEOUT_SECONDS = 2.0
# Between two health checks while watching: well under the 1 s a failover may take.
CHECK_INTERVAL_SECONDS = 0.2
READY_PATH = "/api/ready"

T = TypeVar("T")


class NoHubAnswered(HubUnreachable):
    """Every hub was tried, or none may be tried now: the node is offline.

    A HubUnreachable, so code written for one hub falls back to its caches as before.
    """

    def __init__(self, reasons: dict[str, str]) -> None:
        self.reasons = reasons
        described = "; ".join(f"{url}: {reason}" for url, reason in reasons.items())
        super().__init__(", ".join(reasons) or "no hub", described or "no hub is configured")


class Hubs:
    def __init__(
        self,
        hubs: Sequence[tuple[str, int | None]],
        *,
        probe_timeout: float = PROBE_TIMEOUT_SECONDS,
        request_timeout: float = TIMEOUT_SECONDS,
        failure_threshold: int = FAILURE_THRESHOLD,
        reset_timeout: float = RESET_TIMEOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not hubs:
            raise ValueError("a node needs at least one hub")
        # A hub given without a priority ranks by its place in the list.
        self.table = PriorityTable(
            [
                Target(url.rstrip("/"), place if priority is None else priority)
                for place, (url, priority) in enumerate(hubs, start=1)
            ]
        )
        self.probe_timeout = probe_timeout
        self.request_timeout = request_timeout
        self.health = HealthChecker(
            self.table, self._probe, failure_threshold, reset_timeout, clock
        )
        self._writes = Router(self.table, self.health, by_priority)
        self._reads = Router(self.table, self.health, performance_based)

    @classmethod
    def from_settings(cls, identity: Identity) -> "Hubs":
        """UNIBOS_HUBS; without it the single hub of UNIBOS_HUB_URL or of the enrolment."""
        configured = list(settings.UNIBOS_HUBS)
        if not configured:
            configured = [(NodeConfig.from_settings().hub_url_for(identity), None)]
        return cls(configured)

    @property
    def write_hub(self) -> str | None:
        return _first(self._writes)

    @property
    def read_hub(self) -> str | None:
        return _first(self._reads)

    def write_url(self) -> str:
        """The write hub, for code that makes its own requests (the sync agent's `hub`
        callable); NoHubAnswered when the node is offline."""
        url = self.write_hub
        if url is None:
            raise NoHubAnswered(self._reasons())
        return url

    @property
    def state(self) -> str:
        return ONLINE if self.write_hub is not None else OFFLINE

    @property
    def answering(self) -> list[str]:
        """The hubs whose latest check or request succeeded and that may be asked now.

        Stricter than `state`, whose breakers stay closed through a few failures so that
        one lost packet does not reroute the writes: here one failure is enough, which
        is what the offline detector needs to stop sending a dead hub sync rounds.
        """
        return [
            target.name
            for target in self.table
            if self.health.available(target) and target.name not in self.health.reasons
        ]

    def check(self) -> None:
        """Probe every hub that may be asked now, in parallel."""
        self.health.check()

    @contextmanager
    def watching(self, interval: float = CHECK_INTERVAL_SECONDS) -> Iterator["Hubs"]:
        """Health checks in a background thread for as long as the block runs.

        The breakers and latencies are shared with the requests without a lock: each
        update is one assignment, and a decision made on a value one check old is what
        the next check corrects anyway.
        """
        stop = threading.Event()

        def loop() -> None:
            while not stop.is_set():
                self.check()
                stop.wait(interval)

        watcher = threading.Thread(target=loop, name="unibos-hub-health", daemon=True)
        watcher.start()
        try:
            yield self
        finally:
            stop.set()
            watcher.join()

    def write(self, call: Callable[[HubClient], T]) -> T:
        """`call` on the write hub, failing over in priority order."""
        return self._call(self._writes, call)

    def read(self, call: Callable[[HubClient], T]) -> T:
        """`call` on the nearest hub, failing over in latency order."""
        return self._call(self._reads, call)

    def _call(self, router: Router, call: Callable[[HubClient], T]) -> T:
        reasons: dict[str, str] = {}
        for target in router.ranked():
            try:
                result = call(HubClient(target.name, self.request_timeout))
            except HubUnreachable as error:
                self.health.failed(target, error.reason)
                reasons[target.name] = error.reason
                continue
            except HubRefused:
                # It answered: alive, whatever it thought of the request.
                self.health.succeeded(target)
                raise
            self.health.succeeded(target)
            return result
        raise NoHubAnswered({**self._reasons(), **reasons})

    def _reasons(self) -> dict[str, str]:
        return {
            target.name: self.health.reasons.get(target.name, "circuit breaker open")
            for target in self.table
        }

    def _probe(self, target: Target) -> float:
        """GET /api/ready: the latency of a 200, else ProbeFailed."""
        parts = urlsplit(target.name)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.netloc, timeout=self.probe_timeout)
        started = time.monotonic()
        try:
            connection.request("GET", f"{parts.path}{READY_PATH}")
            response = connection.getresponse()
            response.read()
        except ConnectionRefusedError:
            raise ProbeFailed("connection refused", decisive=True) from None
        except (OSError, http.client.HTTPException) as error:
            raise ProbeFailed(str(error) or type(error).__name__) from None
        finally:
            connection.close()
        if response.status != 200:
            raise ProbeFailed(f"{READY_PATH} answered HTTP {response.status}")
        return time.monotonic() - started


def _first(router: Router) -> str | None:
    """The router's choice, None when every hub's breaker is open."""
    try:
        return router.route().name
    except NoRoute:
        return None
