"""The writer: rows inserted into ha_probe through one HAProxy address while a fault
happens, every attempt recorded, and the acknowledged ones looked up afterwards."""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from unibos_controller.testbed.ha.postgres import connect
from unibos_controller.testbed.ha.scenario import HAPROXY_RW_PORT, PROBE_TABLE, HAError
from unibos_controller.testbed.waiting import wait_until


def longest_gap(times: Iterable[float], fault_at: float) -> float | None:
    """Longest interval between two consecutive acknowledgements that ends after the fault.

    The interval that spans the fault runs from the last acknowledgement at or before
    it (or the fault itself, if there was none) to the first one after it; later ones
    count too, in case writes came back and stopped again. None: none after the fault.
    """
    ordered = sorted(times)
    after = [t for t in ordered if t > fault_at]
    if not after:
        return None
    before = [t for t in ordered if t <= fault_at]
    previous = before[-1] if before else fault_at
    gap = 0.0
    for t in after:
        gap = max(gap, t - previous)
        previous = t
    return gap


@dataclass(frozen=True)
class Attempt:
    """One insert: acknowledged when COMMIT returned (autocommit: execute() returned)."""

    started: float
    finished: float
    acked: bool
    id: int
    thread: int
    error: str | None = None


@dataclass
class _Slot:
    """What the watchdog needs to cut one writer thread's hung statement."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    conn: Any = None
    since: float | None = None
    cut: bool = False


def _cut(conn: Any) -> None:
    """Shut the connection's socket down, so a statement blocked on it fails now."""
    try:
        duplicate = socket.socket(fileno=os.dup(conn.pgconn.socket))
    except Exception:  # closed meanwhile: nothing to cut
        return
    with contextlib.suppress(OSError):
        duplicate.shutdown(socket.SHUT_RDWR)
    duplicate.close()


@dataclass
class Verification:
    acked: int
    found: int
    lost: int
    missing: list[int]
    via: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Writer:
    """Inserts rows into ha_probe through one HAProxy address and records every attempt.

    One thread inserts a row every `interval` seconds; with threads > 1 and interval 0
    (the heavy mode) each thread inserts as fast as the cluster acknowledges. Each thread
    has its own autocommit connection (connect_timeout 1 s, which libpq and psycopg raise
    to their 2 s floor) and opens a new one after any error. A statement that has not
    returned after `attempt_timeout` seconds is cut by shutting its socket down: the
    attempt then counts as not acknowledged. Row ids are unique per run (the run's start
    in ms times 10^6, plus a counter), so rows of several runs coexist in the table.
    """

    ERROR_PAUSE_S = 0.02

    def __init__(
        self,
        host: str,
        password: str,
        *,
        port: int = HAPROXY_RW_PORT,
        interval: float = 0.05,
        threads: int = 1,
        label: str = "writer",
        attempt_timeout: float = 5.0,
        connect_timeout: int = 1,
    ) -> None:
        self.host = host
        self.port = port
        self.password = password
        self.interval = interval
        self.threads = threads
        self.label = label
        self.attempt_timeout = attempt_timeout
        self.connect_timeout = connect_timeout
        self._ids = itertools.count(time.time_ns() // 1_000_000 * 1_000_000)
        self._ids_lock = threading.Lock()
        self._attempts: list[Attempt] = []
        self._attempts_lock = threading.Lock()
        self._stop = threading.Event()
        self._slots = [_Slot() for _ in range(threads)]
        self._threads: list[threading.Thread] = []

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def _connect(self) -> Any:
        return connect(
            self.host,
            self.password,
            self.port,
            connect_timeout=self.connect_timeout,
            application_name=f"unibos-bench-{self.label}",
        )

    def prepare(self, timeout: float = 60) -> None:
        """Create ha_probe if it is missing (waits for the primary to take it)."""

        def create() -> bool:
            with self._connect() as conn:
                conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {PROBE_TABLE} ("
                    "id bigint PRIMARY KEY, writer text NOT NULL, "
                    "at timestamptz NOT NULL DEFAULT now())"
                )
            return True

        wait_until(
            create,
            timeout,
            f"creating {PROBE_TABLE} through {self.address}",
            errors_are_not_yet=True,
        )

    def start(self) -> Writer:
        for index in range(self.threads):
            thread = threading.Thread(
                target=self._run, args=(index,), name=f"writer-{index}", daemon=True
            )
            self._threads.append(thread)
            thread.start()
        watchdog = threading.Thread(target=self._watch, name="writer-watchdog", daemon=True)
        self._threads.append(watchdog)
        watchdog.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.attempt_timeout + 10)

    def __enter__(self) -> Writer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _next_id(self) -> int:
        with self._ids_lock:
            return next(self._ids)

    def _run(self, index: int) -> None:
        slot = self._slots[index]
        name = f"{self.label}/{index}"
        conn = None
        while not self._stop.is_set():
            started = time.time()
            row_id = self._next_id()
            error = None
            try:
                if conn is None:
                    conn = self._connect()
                    with slot.lock:
                        slot.conn = conn
                with slot.lock:
                    slot.since, slot.cut = time.monotonic(), False
                conn.execute(
                    f"INSERT INTO {PROBE_TABLE} (id, writer) VALUES (%s, %s)", (row_id, name)
                )
            except Exception as exc:  # any error: this attempt failed, reconnect
                first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                error = f"{type(exc).__name__}: {first_line}"[:200]
            finally:
                with slot.lock:
                    slot.since, cut = None, slot.cut
            if cut and error is not None:
                error = f"cut after {self.attempt_timeout:g} s: {error}"[:200]
            # A statement that returned before the cut took effect is acknowledged, but
            # its connection is unusable now.
            if (error is not None or cut) and conn is not None:
                with slot.lock:
                    slot.conn = None
                    with contextlib.suppress(Exception):
                        conn.close()
                conn = None
            finished = time.time()
            with self._attempts_lock:
                self._attempts.append(
                    Attempt(started, finished, error is None, row_id, index, error)
                )
            pause = self.interval if error is None else max(self.interval, self.ERROR_PAUSE_S)
            if pause > 0:
                self._stop.wait(max(0.0, pause - (finished - started)))
        if conn is not None:
            with slot.lock:
                slot.conn = None
                with contextlib.suppress(Exception):
                    conn.close()

    def _watch(self) -> None:
        while not self._stop.wait(0.1):
            now = time.monotonic()
            for slot in self._slots:
                with slot.lock:
                    hung = slot.since is not None and now - slot.since > self.attempt_timeout
                    if hung and not slot.cut and slot.conn is not None:
                        slot.cut = True
                        _cut(slot.conn)

    # -- results

    @property
    def attempts(self) -> list[Attempt]:
        with self._attempts_lock:
            return list(self._attempts)

    def acked_ids(self) -> list[int]:
        return [attempt.id for attempt in self.attempts if attempt.acked]

    def acked_after(self, moment: float) -> int:
        return sum(1 for attempt in self.attempts if attempt.acked and attempt.finished > moment)

    def acked_sent_between(self, start: float, end: float) -> int:
        """Writes sent after START and acknowledged before END: with the primary dead
        at START, only a new primary can have acknowledged them (a write in flight at
        START may be acknowledged by the old one just before it died)."""
        return sum(1 for a in self.attempts if a.acked and a.started > start and a.finished < end)

    def attempts_sent_between(self, start: float, end: float) -> list[Attempt]:
        """The attempts started after START that finished before END."""
        return [a for a in self.attempts if a.started > start and a.finished < end]

    def summary(self, fault_at: float) -> dict[str, Any]:
        """The run's figures; gap_s is the write unavailability across the fault."""
        attempts = self.attempts
        acked = [attempt for attempt in attempts if attempt.acked]
        gap = longest_gap((attempt.finished for attempt in acked), fault_at)
        errors = Counter(
            (attempt.error or "").split(":")[0] for attempt in attempts if not attempt.acked
        )
        first_after = min((a.finished for a in acked if a.finished > fault_at), default=None)
        return {
            "address": self.address,
            "threads": self.threads,
            "interval_s": self.interval,
            "attempts": len(attempts),
            "acked": len(acked),
            "failed": len(attempts) - len(acked),
            "acked_before_fault": sum(1 for a in acked if a.finished <= fault_at),
            "acked_after_fault": sum(1 for a in acked if a.finished > fault_at),
            "first_ack_after_fault_s": (
                None if first_after is None else round(first_after - fault_at, 3)
            ),
            "gap_s": None if gap is None else round(gap, 3),
            "errors": dict(errors.most_common(5)),
        }

    def verify(self, host: str | None = None, timeout: float = 120) -> Verification:
        """Look every acknowledged id up on the current primary (through HAProxy :5000)."""
        ids = set(self.acked_ids())
        address = f"{host or self.host}:{self.port}"
        if not ids:
            return Verification(0, 0, 0, [], address)

        def found_ids() -> tuple[set[int]]:
            with connect(host or self.host, self.password, self.port) as conn:
                (recovering,) = conn.execute("SELECT pg_is_in_recovery()").fetchone()
                if recovering:
                    raise HAError(f"{address} reached a replica")
                rows = conn.execute(
                    f"SELECT id FROM {PROBE_TABLE} WHERE id BETWEEN %s AND %s",
                    (min(ids), max(ids)),
                ).fetchall()
            return ({row[0] for row in rows},)  # a 1-tuple: truthy even when nothing is there

        (rows,) = wait_until(
            found_ids,
            timeout,
            f"reading {PROBE_TABLE} through {address}",
            errors_are_not_yet=True,
        )
        found = rows & ids
        missing = sorted(ids - found)
        return Verification(len(ids), len(found), len(missing), missing[:20], address)
