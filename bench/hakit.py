"""Helpers shared by bench/failover.py and the `ha` scenario's tests (molecule/ha/tests).

The cluster is three podman containers on the `unibos-ha` network (docs/architecture.md,
"High availability of the hub"). Everything here reaches them in one of two ways:
`podman exec` into a container, or the container's address on that network (Patroni's
REST API, HAProxy, etcd). Nothing talks to any other address.

Times are wall-clock epochs (time.time()): the containers share the build machine's
clock, so a time taken here compares with one taken inside a container (the Celery
probe) and can be handed to `journalctl --since @EPOCH`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shlex
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

# The app's reader of Patroni's /cluster (pure, no Django): the controller's .venv has
# the app installed, so the bench and the tests judge members exactly as unibos-hub does.
from unibos.cli.hub import cluster
from unibos.cli.hub.cluster import Member

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "ha"
NETWORK = "unibos-ha"
HUBS = ("rocksteady", "bebop")
WITNESS = "witness"
MEMBERS = (*HUBS, WITNESS)

SECRETS_DIR = "/etc/unibos/secrets"
HUB_ENV = "/etc/unibos/hub.env"
HUB_PYTHON = "/opt/unibos/current/bin/python"
HUB_USER = "unibos-hub"
PSQL = "/usr/lib/postgresql/15/bin/psql"

PATRONI_PORT = 8008
ETCD_CLIENT_PORT = 2379
HAPROXY_RW_PORT = 5000
HAPROXY_RO_PORT = 5001
HAPROXY_REDIS_PORT = 6380
HAPROXY_HUB_PORT = 8080
REDIS_PORT = 6379
SENTINEL_PORT = 26379
SENTINEL_MASTER = "unibos"
HUB_DATABASE = "unibos_hub"
HUB_DATABASE_USER = "unibos_hub"
# Patroni's ttl in the `ha` inventory (patroni_ttl); read from GET /config when it answers.
DEFAULT_TTL_S = 20

PROBE_TABLE = "ha_probe"
PROBE_TASK = "core.health_check"

T = TypeVar("T")


class HAError(RuntimeError):
    """A step of a fault or of a recovery failed or did not happen in time."""


# -- podman -------------------------------------------------------------------------


def podman(
    *args: str, check: bool = True, timeout: float | None = 120, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `podman ARGS`; raise HAError on a non-zero exit (when check) or a timeout."""
    try:
        done = subprocess.run(
            ["podman", *args],
            capture_output=True,
            text=True,
            input=stdin,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise HAError(f"`podman {shlex.join(args)}` did not finish within {timeout} s") from error
    if check and done.returncode != 0:
        output = (done.stderr.strip() or done.stdout.strip())[-2000:]
        raise HAError(f"`podman {shlex.join(args)}` failed (rc={done.returncode}): {output}")
    return done


def exec_in(container: str, *command: str, check: bool = True, timeout: float = 120) -> str:
    """Run a command in a container and return its stdout."""
    return podman("exec", container, *command, check=check, timeout=timeout).stdout


def exists(name: str) -> bool:
    return podman("container", "exists", name, check=False).returncode == 0


def is_running(name: str) -> bool:
    done = podman("inspect", "-f", "{{.State.Running}}", name, check=False)
    return done.returncode == 0 and done.stdout.strip() == "true"


def container_ip(name: str) -> str:
    """The container's address on the unibos-ha network (it may change on a restart)."""
    template = f'{{{{(index .NetworkSettings.Networks "{NETWORK}").IPAddress}}}}'
    address = podman("inspect", "-f", template, name).stdout.strip()
    if not address or address == "<no value>":
        raise HAError(f"{name} has no address on {NETWORK}; is it running?")
    return address


def container_id(name: str) -> str:
    return podman("inspect", "-f", "{{.Id}}", name).stdout.strip()


def read_secret(secret: str, on: Iterable[str] = HUBS) -> str:
    """The content of /etc/unibos/secrets/SECRET in the first running container of `on`."""
    errors = []
    for name in on:
        if not is_running(name):
            errors.append(f"{name} is not running")
            continue
        done = podman("exec", name, "cat", f"{SECRETS_DIR}/{secret}", check=False)
        if done.returncode == 0:
            return done.stdout.rstrip("\n")
        errors.append(f"{name}: {done.stderr.strip()}")
    raise HAError(f"cannot read the secret {secret}: {'; '.join(errors)}")


def running_hubs() -> list[str]:
    return [name for name in HUBS if is_running(name)]


def other_hub(name: str) -> str:
    (other,) = (hub for hub in HUBS if hub != name)
    return other


# -- waiting ------------------------------------------------------------------------


def wait_until(check: Callable[[], T], timeout: float, what: str, interval: float = 0.5) -> T:
    """Return check()'s first truthy result; an exception counts as not yet.

    Raises HAError naming `what` and the last thing seen after `timeout` seconds.
    """
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            value = check()
        except Exception as error:  # a member that is down answers with anything
            last = f"{type(error).__name__}: {error}"
        else:
            if value:
                return value
            last = value
        if time.monotonic() >= deadline:
            raise HAError(f"{what} did not happen within {timeout:.0f} s (last seen: {last!r})")
        time.sleep(interval)


# -- HTTP: Patroni and etcd ---------------------------------------------------------


def http_json(
    url: str, timeout: float = 2.0, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """GET url and return (status, decoded JSON body or None). Network errors raise."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        return status, json.loads(body) if body else None
    except ValueError:
        return status, None


def members_of(document: Any) -> list[Member]:
    """Members from a /cluster document, or from `unibos-hub status --json` (a bare list
    of the same members); parsed by the CLI's own reader. Empty if it is neither."""
    try:
        return cluster.members(document if isinstance(document, dict) else {"members": document})
    except (ValueError, AttributeError):
        return []


def leader_of(members: Sequence[Member]) -> Member | None:
    leaders = [member for member in members if member.is_leader]
    return leaders[0] if len(leaders) == 1 else None


def member_named(members: Sequence[Member], name: str) -> Member | None:
    return next((member for member in members if member.name == name), None)


def patroni_get(path: str, via: Iterable[str] = HUBS) -> tuple[str, int, Any]:
    """GET path from the first running hub whose Patroni answers: (hub, status, body)."""
    errors = []
    for hub in via:
        if not is_running(hub):
            errors.append(f"{hub} is not running")
            continue
        try:
            status, body = http_json(f"http://{container_ip(hub)}:{PATRONI_PORT}{path}")
        except (OSError, HAError) as error:
            errors.append(f"{hub}: {error}")
            continue
        return hub, status, body
    raise HAError(f"no Patroni answered GET {path}: {'; '.join(errors)}")


def patroni_cluster(via: Iterable[str] = HUBS) -> list[Member]:
    """The members from the first Patroni that answers GET /cluster with members."""
    errors = []
    for hub in via:
        try:
            _, status, body = patroni_get("/cluster", via=[hub])
        except HAError as error:
            errors.append(str(error))
            continue
        if status == 200 and members_of(body):
            return members_of(body)
        errors.append(f"{hub}: /cluster answered {status}")
    raise HAError(f"no Patroni answered GET /cluster: {'; '.join(errors)}")


def patroni_leader(via: Iterable[str] = HUBS) -> str | None:
    leader = leader_of(patroni_cluster(via))
    return leader.name if leader else None


def patroni_ttl(via: Iterable[str] = HUBS) -> int:
    """Patroni's ttl from GET /config (the dynamic configuration), else the default."""
    try:
        _, status, body = patroni_get("/config", via)
    except HAError:
        return DEFAULT_TTL_S
    if status == 200 and isinstance(body, dict) and body.get("ttl"):
        return int(body["ttl"])
    return DEFAULT_TTL_S


def patroni_problems(members: Sequence[Member]) -> list[str]:
    """What keeps the cluster from two healthy members: unibos-hub's problems, plus both
    hubs present, exactly one leader and a synchronous standby."""
    problems = [f"{hub} is not a Patroni member" for hub in HUBS if not member_named(members, hub)]
    leaders = [member for member in members if member.is_leader]
    if len(leaders) > 1:
        problems.append(f"{len(leaders)} leaders")
    problems += cluster.problems(list(members))
    if not any(member.role in cluster.SYNC_ROLES for member in members):
        problems.append("no synchronous standby")
    return problems


def etcd_problems() -> list[str]:
    """Members whose etcd does not answer GET :2379/health with health true."""
    problems = []
    for name in MEMBERS:
        try:
            status, body = http_json(f"http://{container_ip(name)}:{ETCD_CLIENT_PORT}/health")
        except (OSError, HAError) as error:
            problems.append(f"etcd on {name}: {error}")
            continue
        healthy = isinstance(body, dict) and str(body.get("health")).lower() == "true"
        if status != 200 or not healthy:
            problems.append(f"etcd on {name}: {status} {body}")
    return problems


# -- PostgreSQL inside a container --------------------------------------------------


def psql_as_postgres(container: str, sql: str, timeout: float = 30) -> str:
    """Run SQL as the postgres superuser over the local socket (peer authentication)."""
    return exec_in(
        container,
        "runuser", "-u", "postgres", "--",
        PSQL, "-w", "-X", "-A", "-t", "-F", "|", "-d", "postgres", "-c", sql,
        timeout=timeout,
    ).strip()  # fmt: skip


def is_primary(container: str) -> bool:
    """Whether the container's PostgreSQL runs as a primary; one that does not answer
    accepts no writes either, so it is not."""
    try:
        return psql_as_postgres(container, "SELECT pg_is_in_recovery()", timeout=10) == "f"
    except HAError:
        return False


def replica_timeline(container: str) -> int | None:
    """The timeline a replica receives, from pg_stat_wal_receiver."""
    out = psql_as_postgres(container, "SELECT received_tli FROM pg_stat_wal_receiver")
    return int(out) if out.isdigit() else None


def patroni_log(container: str, since: float) -> str:
    return exec_in(
        container,
        "journalctl", "-u", "patroni", "--no-pager", "-o", "cat", f"--since=@{int(since)}",
        check=False,
    )  # fmt: skip


def rewind_lines(log: str) -> list[str]:
    """Patroni's log lines that mention a rewind (pg_rewind's own lines included)."""
    return [line for line in log.splitlines() if "rewind" in line.lower()]


# -- PostgreSQL through HAProxy, from the build machine -----------------------------


def connect(host: str, password: str, port: int = HAPROXY_RW_PORT, **options: Any) -> Any:
    """A psycopg connection to the hub database at host:port (autocommit)."""
    import psycopg  # noqa: PLC0415 (the tests' steady checks do not need it)

    return psycopg.connect(
        host=host,
        port=port,
        dbname=HUB_DATABASE,
        user=HUB_DATABASE_USER,
        password=password,
        autocommit=True,
        **{"connect_timeout": 2, "application_name": "unibos-bench", **options},
    )


def in_recovery(host: str, password: str, port: int) -> bool:
    with connect(host, password, port) as conn:
        row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
    return bool(row[0])


def haproxy_problems(password: str) -> list[str]:
    """Hubs whose HAProxy :5000 does not reach the primary or :5001 not a replica."""
    problems = []
    for hub in HUBS:
        for port, want_recovery, what in (
            (HAPROXY_RW_PORT, False, "the primary"),
            (HAPROXY_RO_PORT, True, "a replica"),
        ):
            try:
                if in_recovery(container_ip(hub), password, port) != want_recovery:
                    problems.append(f"{hub}'s HAProxy :{port} does not reach {what}")
            except Exception as error:
                problems.append(f"{hub}'s HAProxy :{port}: {type(error).__name__}: {error}")
    return problems


def hub_api_problems() -> list[str]:
    """Hubs whose HAProxy does not pass GET /api/ready on to a hub API that answers 200."""
    problems = []
    for hub in HUBS:
        url = f"http://{container_ip(hub)}:{HAPROXY_HUB_PORT}/api/ready"
        try:
            # The hub answers only the names in its ALLOWED_HOSTS; localhost is always one.
            status, _ = http_json(url, headers={"Host": "localhost"})
        except (OSError, HAError) as error:
            problems.append(f"{url}: {error}")
            continue
        if status != 200:
            problems.append(f"{url}: {status}")
    return problems


# -- Patroni faults -----------------------------------------------------------------


def hard_kill(name: str) -> None:
    """SIGKILL the container's init: every process in it dies at once, like a power cut."""
    podman("kill", "-s", "KILL", name)
    wait_until(lambda: not is_running(name), 30, f"{name} stopping after SIGKILL", 0.1)


def start_container(name: str) -> None:
    podman("start", name)


def stop_patroni(name: str) -> None:
    exec_in(name, "systemctl", "stop", "patroni", timeout=180)


def start_patroni(name: str) -> None:
    exec_in(name, "systemctl", "start", "patroni", timeout=180)


def switchover(to: str, via: str) -> str:
    """`unibos-hub failover --to TO --yes` in the hub `via`; returns its output."""
    return exec_in(via, "unibos-hub", "failover", "--to", to, "--yes", timeout=300)


@dataclass
class Rejoin:
    """How a former primary came back."""

    member: str
    role: str
    state: str
    timeline_before: int | None
    timeline_after: int | None
    rewind: bool
    rewind_lines: list[str]
    seconds: float

    @property
    def timeline_up(self) -> bool:
        if self.timeline_before is None or self.timeline_after is None:
            return False
        return self.timeline_after > self.timeline_before

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "timeline_up": self.timeline_up}


def wait_rejoined(
    name: str, since: float, timeline_before: int | None, timeout: float = 300
) -> Rejoin:
    """Wait until NAME is back in /cluster as a streaming replica; report how it came back.

    `since` is the time of the fault: Patroni's journal from then on tells whether
    pg_rewind ran.
    """
    started = time.monotonic()

    def streaming() -> Member | None:
        member = member_named(patroni_cluster(), name)
        return member if member and member.is_streaming_replica else None

    member = wait_until(streaming, timeout, f"{name} streaming again as a replica", 1.0)
    seconds = time.monotonic() - started
    timeline_after = member.timeline
    if timeline_after is None:
        with contextlib.suppress(HAError):
            timeline_after = replica_timeline(name)
    lines = rewind_lines(patroni_log(name, since))
    return Rejoin(
        member=name,
        role=member.role,
        state=member.state,
        timeline_before=timeline_before,
        timeline_after=timeline_after,
        rewind=bool(lines),
        rewind_lines=lines[-20:],
        seconds=round(seconds, 2),
    )


# -- Redis and Sentinel -------------------------------------------------------------


def redis_cli(
    container: str, password: str, *args: str, port: int = REDIS_PORT, check: bool = True
) -> str:
    return exec_in(
        container,
        "redis-cli", "-p", str(port), "--no-auth-warning", "-a", password, *args,
        check=check, timeout=30,
    )  # fmt: skip


def parse_info(text: str) -> dict[str, str]:
    """`INFO section` as a dict (comments and blank lines skipped)."""
    info = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and ":" in line:
            key, _, value = line.partition(":")
            info[key] = value
    return info


def container_for(address: str) -> str | None:
    """The container a Redis or Sentinel address names: its name, or its IP."""
    if address in MEMBERS:
        return address
    for name in MEMBERS:
        with contextlib.suppress(HAError):
            if is_running(name) and container_ip(name) == address:
                return name
    return None


def sentinel_master(password: str, via: str = WITNESS) -> str | None:
    """The container Sentinel on `via` names as the master of `unibos`."""
    out = redis_cli(
        via, password, "SENTINEL", "get-master-addr-by-name", SENTINEL_MASTER, port=SENTINEL_PORT
    ).split()
    return container_for(out[0]) if out else None


def redis_role(container: str, password: str) -> dict[str, str]:
    return parse_info(redis_cli(container, password, "INFO", "replication"))


def redis_problems(password: str) -> list[str]:
    """What keeps Redis from one master, one replica and three agreeing sentinels."""
    problems = []
    masters = {}
    for name in MEMBERS:
        try:
            masters[name] = sentinel_master(password, via=name)
        except HAError as error:
            problems.append(f"sentinel on {name}: {error}")
    named = set(masters.values())
    if len(named) != 1 or None in named:
        return [*problems, f"the sentinels name these masters: {masters}"]
    (master,) = named
    if master not in HUBS:
        return [*problems, f"the sentinels' master {master} is not a hub"]
    replica = other_hub(master)
    try:
        info = redis_role(master, password)
        if info.get("role") != "master":
            problems.append(f"{master} is {info.get('role')}, the sentinels' master")
        info = redis_role(replica, password)
        if info.get("role") != "slave" or info.get("master_link_status") != "up":
            problems.append(
                f"{replica} is {info.get('role')} with link {info.get('master_link_status')}"
            )
    except HAError as error:
        problems.append(str(error))
    try:
        quorum = redis_cli(
            WITNESS, password, "SENTINEL", "ckquorum", SENTINEL_MASTER, port=SENTINEL_PORT
        )
        if not quorum.startswith("OK"):
            problems.append(f"SENTINEL ckquorum: {quorum.strip()}")
    except HAError as error:
        problems.append(str(error))
    return problems


def kill_redis(container: str) -> None:
    """SIGKILL redis-server, masked first so that systemd does not start it again."""
    exec_in(
        container,
        "sh", "-c", "systemctl mask --runtime redis-server && systemctl kill -s KILL redis-server",
    )  # fmt: skip


def restore_redis(container: str) -> None:
    exec_in(
        container,
        "sh", "-c", "systemctl unmask --runtime redis-server && systemctl start redis-server",
    )  # fmt: skip


# -- the whole cluster --------------------------------------------------------------


def cluster_problems(db_password: str, redis_password: str) -> list[str]:
    """Everything that keeps the cluster from the steady state a fault starts from."""
    problems = [f"{name} is not running" for name in MEMBERS if not is_running(name)]
    if problems:
        return problems
    try:
        problems += patroni_problems(patroni_cluster())
    except HAError as error:
        problems.append(str(error))
    return (
        problems + etcd_problems() + haproxy_problems(db_password) + redis_problems(redis_password)
    )


def wait_healthy(db_password: str, redis_password: str, timeout: float = 300) -> list[Member]:
    """Wait for two healthy database members, healthy Redis and etcd; return the members."""

    def healthy() -> bool:
        if problems := cluster_problems(db_password, redis_password):
            raise HAError("; ".join(problems))
        return True

    wait_until(
        healthy,
        timeout,
        "a healthy cluster (leader + sync standby, Redis master + replica, 3 sentinels, etcd)",
        1.0,
    )
    return patroni_cluster()


# -- the writer ---------------------------------------------------------------------


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

        wait_until(create, timeout, f"creating {PROBE_TABLE} through {self.address}")

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

        (rows,) = wait_until(found_ids, timeout, f"reading {PROBE_TABLE} through {address}")
        found = rows & ids
        missing = sorted(ids - found)
        return Verification(len(ids), len(found), len(missing), missing[:20], address)


# -- the Celery probe ---------------------------------------------------------------

# Runs inside a hub with the app's interpreter and environment (stdin is the script).
# Prints JSON lines: {"event": "ready"}, {"event": "submitted"}, then the result.
PROBE_SCRIPT = r"""
import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unibos.settings")
import django

django.setup()
from unibos.celery import app

DURATION, INTERVAL, TIMEOUT = (float(value) for value in sys.argv[1:4])
TASK = sys.argv[4]
# kombu reconnects (asking the sentinels again) between these retries of one publish.
POLICY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
READY = ("SUCCESS", "FAILURE", "REVOKED")


def emit(**fields):
    print(json.dumps(fields), flush=True)


tasks, errors, last_error = [], 0, None
emit(event="ready", at=time.time())
end = time.time() + DURATION
while time.time() < end:
    sent_at = time.time()
    try:
        result = app.send_task(TASK, retry=True, retry_policy=POLICY)
    except Exception as error:  # the broker is away: try again at the next tick
        errors += 1
        last_error = f"{type(error).__name__}: {error}"
    else:
        tasks.append({"id": result.id, "sent_at": sent_at, "accepted_at": time.time(),
                      "state": None, "worker": None})
    time.sleep(max(0.0, INTERVAL - (time.time() - sent_at)))
emit(event="submitted", at=time.time(), count=len(tasks), errors=errors)

pending = {task["id"]: task for task in tasks}
deadline = time.time() + TIMEOUT
while pending and time.time() < deadline:
    for task_id, task in list(pending.items()):
        try:
            meta = app.backend.get_task_meta(task_id)
        except Exception as error:  # the result backend is away for a moment
            last_error = f"{type(error).__name__}: {error}"
            break
        if meta.get("status") in READY:
            task["state"], task["worker"] = meta["status"], meta.get("worker")
            task["done_at"] = time.time()
            del pending[task_id]
    if pending:
        time.sleep(0.5)

states = [task["state"] for task in tasks]
emit(
    event="result",
    submitted=len(tasks),
    completed=states.count("SUCCESS"),
    failed=sum(1 for state in states if state in ("FAILURE", "REVOKED")),
    lost=states.count(None),
    submit_errors=errors,
    last_error=last_error,
    tasks=tasks,
)
"""

PROBE_SHELL = f'set -a; . {HUB_ENV}; set +a; exec runuser -u {HUB_USER} -- {HUB_PYTHON} - "$@"'


def probe_command(
    hub: str, duration: float, interval: float, result_timeout: float, task: str = PROBE_TASK
) -> list[str]:
    """The probe in a hub: the app's interpreter as unibos-hub with the hub's environment."""
    return [
        "podman", "exec", "-i", hub, "sh", "-c", PROBE_SHELL, "sh",
        str(duration), str(interval), str(result_timeout), task,
    ]  # fmt: skip


class CeleryProbe:
    """A long-lived submitter of core.health_check (see PROBE_SCRIPT) and its result."""

    def __init__(self, command: Sequence[str], env: dict[str, str] | None = None) -> None:
        self.command = list(command)
        self.env = env
        self.events: list[dict[str, Any]] = []
        self.stderr: list[str] = []
        self._process: subprocess.Popen[str] | None = None
        self._ready = threading.Event()
        self._readers: list[threading.Thread] = []

    @classmethod
    def in_hub(
        cls, hub: str, duration: float, interval: float = 0.1, result_timeout: float = 60
    ) -> CeleryProbe:
        return cls(probe_command(hub, duration, interval, result_timeout))

    def start(self, ready_timeout: float = 120) -> CeleryProbe:
        self._process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
        )
        assert self._process.stdin is not None
        self._process.stdin.write(PROBE_SCRIPT)
        self._process.stdin.close()
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        if not self._ready.wait(ready_timeout):
            self.kill()
            raise HAError(f"the Celery probe did not start: {self._tail()}")
        return self

    def _read_stdout(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            with contextlib.suppress(ValueError):
                event = json.loads(line)
                self.events.append(event)
                if event.get("event") == "ready":
                    self._ready.set()
        self._ready.set()  # the probe ended (maybe failing): stop waiting for it

    def _read_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        for line in self._process.stderr:
            self.stderr = [*self.stderr[-49:], line.rstrip()]

    def _tail(self) -> str:
        return "\n".join(self.stderr[-15:]) or "(no output)"

    def kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def result(self, timeout: float) -> dict[str, Any]:
        """Wait for the probe to end and return its result event."""
        assert self._process is not None
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise HAError(f"the Celery probe did not end within {timeout:.0f} s") from None
        for reader in self._readers:
            reader.join(timeout=10)
        results = [event for event in self.events if event.get("event") == "result"]
        if self._process.returncode != 0 or not results:
            raise HAError(
                f"the Celery probe failed (rc={self._process.returncode}): {self._tail()}"
            )
        return results[-1]


def probe_since(
    result: dict[str, Any], fault_at: float, since: float | None = None
) -> dict[str, Any]:
    """The probe's figures for the tasks whose submission started at or after `since`.

    `since` defaults to `fault_at`; pass the moment the fault was certainly in effect
    (the kill command returned) to leave out a task the dying master may have taken.
    gap_s is the longest interval between two accepted submissions of tasks that
    completed, across `fault_at`: how long no work sent to Celery got done.
    """
    since = fault_at if since is None else since
    tasks = result.get("tasks", [])
    after = [task for task in tasks if task["sent_at"] >= since]
    states = Counter(task["state"] or "LOST" for task in after)
    gap = longest_gap(
        (task["accepted_at"] for task in tasks if task["state"] == "SUCCESS"), fault_at
    )
    return {
        "submitted": len(after),
        "completed": states["SUCCESS"],
        "failed": states["FAILURE"] + states["REVOKED"],
        "lost": states["LOST"],
        "states": dict(states),
        "workers": sorted({task["worker"] for task in after if task["worker"]}),
        "gap_s": None if gap is None else round(gap, 3),
    }
