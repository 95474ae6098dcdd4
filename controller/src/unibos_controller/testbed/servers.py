"""Real PostgreSQL, Redis and Redis Sentinel servers in temporary directories: the app's
tests start them for their session, bench/sync.py and bench/tasks.py for their runs."""

import os
import secrets
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis
from psycopg import sql

from unibos_controller.testbed.waiting import wait_until

POSTGRESQL_BIN = Path("/usr/lib/postgresql/15/bin")
START_TIMEOUT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgresql_tool(name: str) -> str:
    candidate = POSTGRESQL_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} not found in {POSTGRESQL_BIN} or PATH; install postgresql")
    return found


@dataclass
class PostgreSQL:
    directory: Path
    port: int
    user: str = "unibos"
    password: str = ""
    # initdb and postgres refuse to run as root; the Debian package's user will do.
    run_as: str | None = "postgres" if os.geteuid() == 0 else None

    def _run(self, *command: str) -> None:
        subprocess.run(command, check=True, capture_output=True, user=self.run_as)

    def start(self) -> None:
        self.initialise()
        self.launch()

    @property
    def initialised(self) -> bool:
        """A cluster is in `directory` already (kept between runs by `unibos-dev run`)."""
        return (self.directory / "data" / "PG_VERSION").exists()

    def initialise(self) -> None:
        """A new cluster in `directory` (which must not exist), with a new password."""
        self.password = secrets.token_urlsafe(16)
        self.directory.mkdir(mode=0o700)
        password_file = self.directory / "pwfile"
        password_file.write_text(self.password)
        if self.run_as:
            shutil.chown(self.directory, self.run_as)
            shutil.chown(password_file, self.run_as)
        self._run(
            postgresql_tool("initdb"), "-D", str(self.directory / "data"), "-U", self.user,
            f"--pwfile={password_file}", "--auth=scram-sha-256", "--encoding=UTF8",
            "--no-sync",
        )  # fmt: skip

    def launch(self) -> None:
        """Start the cluster in `directory` on `port`; its password is the one initdb got."""
        self.password = (self.directory / "pwfile").read_text()
        options = f"-p {self.port} -h 127.0.0.1 -k {self.directory} -c fsync=off"
        self._run(
            postgresql_tool("pg_ctl"), "-D", str(self.directory / "data"), "-l",
            str(self.directory / "log"), "-o", options, "-w", "-t", str(START_TIMEOUT_SECONDS),
            "start",
        )  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        """pg_ctl stop: `immediate` for a throwaway cluster, `fast` for one that is kept
        (no crash recovery at its next start)."""
        self._run(
            postgresql_tool("pg_ctl"), "-D", str(self.directory / "data"), "-m", mode, "stop",
        )  # fmt: skip

    def admin_connection(self) -> psycopg.Connection:
        """An autocommit connection as the server's superuser, to database postgres."""
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, password=self.password,
            dbname="postgres", autocommit=True,
        )  # fmt: skip

    def create_app_database(self, role: str, database: str, createdb: bool = False) -> str:
        """A login role that row-level security binds (neither superuser nor BYPASSRLS),
        owning a new database, as the app's role on a hub; returns its password."""
        password = secrets.token_urlsafe(16)
        attributes = "LOGIN NOSUPERUSER NOBYPASSRLS" + (" CREATEDB" if createdb else "")
        with self.admin_connection() as connection:
            connection.execute(
                sql.SQL("CREATE ROLE {} " + attributes + " PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
            connection.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(database), sql.Identifier(role)
                )
            )
        return password


@dataclass
class Redis:
    directory: Path
    port: int
    # Characters that break an unquoted redis:// URL, so the app must quote.
    password: str = "t3st/p@ss:w%rd"
    # The port of the master this server starts as a replica of, on 127.0.0.1.
    replica_of: int | None = None
    process: subprocess.Popen[bytes] | None = None
    # In a session of its own, so that a Ctrl-C in the terminal does not stop it before
    # the workers that use it (`unibos-dev run` stops it last).
    own_session: bool = False

    def start(self) -> None:
        self.directory.mkdir()
        config = self.directory / "redis.conf"
        replication = (
            f'replicaof 127.0.0.1 {self.replica_of}\nmasterauth "{self.password}"\n'
            if self.replica_of is not None
            # A master demoted by a failover must still authenticate to the new one.
            else f'masterauth "{self.password}"\n'
        )
        config.write_text(
            f'port {self.port}\nbind 127.0.0.1\nrequirepass "{self.password}"\n'
            f'dir "{self.directory}"\nsave ""\nappendonly no\n{replication}'
            # A replica syncs at once, not after Redis's default 5 s wait for others.
            "repl-diskless-sync-delay 0\n"
        )
        self.process = _start_and_wait(
            ["redis-server", str(config)], self.directory, self.client(), self.own_session
        )

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(
            host="127.0.0.1", port=self.port, db=db, password=self.password, decode_responses=True
        )

    def role(self) -> str:
        return self.client().info("replication")["role"]

    def in_sync(self) -> bool:
        """A replica whose link to its master is up."""
        return self.client().info("replication").get("master_link_status") == "up"

    def stop(self) -> None:
        _stop(self.process)


@dataclass
class RedisSentinel:
    """`redis-server --sentinel` watching the master `master_name` on 127.0.0.1."""

    directory: Path
    port: int
    master_port: int
    password: str
    master_name: str = "unibos"
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.directory.mkdir()
        # Sentinel rewrites its configuration file, so it is its own, in its own dir.
        config = self.directory / "sentinel.conf"
        name = self.master_name
        config.write_text(
            f'port {self.port}\nbind 127.0.0.1\ndir "{self.directory}"\n'
            f'requirepass "{self.password}"\n'
            f"sentinel monitor {name} 127.0.0.1 {self.master_port} 1\n"
            f'sentinel auth-pass {name} "{self.password}"\n'
            f"sentinel down-after-milliseconds {name} 1000\n"
            f"sentinel failover-timeout {name} 10000\n"
        )
        self.process = _start_and_wait(
            ["redis-server", str(config), "--sentinel"], self.directory, self.client()
        )

    def client(self) -> redis.Redis:
        return redis.Redis(
            host="127.0.0.1", port=self.port, password=self.password, decode_responses=True
        )

    def master_port_now(self) -> int:
        _host, port = self.client().execute_command(
            "SENTINEL", "GET-MASTER-ADDR-BY-NAME", self.master_name
        )
        return int(port)

    def knows_replica(self, port: int) -> bool:
        replicas = self.client().execute_command("SENTINEL", "REPLICAS", self.master_name)
        return any(int(r["port"]) == port and r["flags"] == "slave" for r in replicas)

    def stop(self) -> None:
        _stop(self.process)


@dataclass
class SentinelCluster:
    """A Redis master, its replica and one sentinel, as on the HA hubs but on one host."""

    directory: Path
    password: str = Redis.password
    master_name: str = "unibos"

    def __post_init__(self) -> None:
        master_port = free_port()
        self.servers = [
            Redis(self.directory / "redis-a", master_port, self.password),
            Redis(self.directory / "redis-b", free_port(), self.password, replica_of=master_port),
        ]
        self.sentinel = RedisSentinel(
            self.directory / "sentinel", free_port(), master_port, self.password, self.master_name
        )

    @property
    def sentinels(self) -> str:
        """The cluster as UNIBOS_REDIS_SENTINELS says it."""
        return f"127.0.0.1:{self.sentinel.port}"

    def start(self) -> None:
        self.directory.mkdir(exist_ok=True)
        for server in (*self.servers, self.sentinel):
            server.start()
        # SENTINEL FAILOVER needs a replica in sync that the sentinel knows.
        replica = self.servers[1]
        wait_until(
            lambda: replica.in_sync() and self.sentinel.knows_replica(replica.port),
            START_TIMEOUT_SECONDS,
            "the replica in sync and known to the sentinel",
            interval=0.1,
            errors_are_not_yet=redis.RedisError,
        )

    def master(self) -> Redis:
        port = self.sentinel.master_port_now()
        return next(server for server in self.servers if server.port == port)

    def replica(self) -> Redis:
        master = self.master()
        return next(server for server in self.servers if server is not master)

    def failover(self) -> Redis:
        """Promote the replica through the sentinel; return it once the switch is complete.

        Complete means the sentinel names it, it is master, and the old master has been
        turned into its replica (which also drops the old master's clients).
        """
        old, new = self.master(), self.replica()
        wait_until(
            self._start_failover,
            START_TIMEOUT_SECONDS,
            "the sentinel accepting SENTINEL FAILOVER",
            interval=0.1,
            errors_are_not_yet=redis.RedisError,
        )
        wait_until(
            lambda: (
                self.sentinel.master_port_now() == new.port
                and new.role() == "master"
                and old.role() == "slave"
            ),
            START_TIMEOUT_SECONDS,
            f"the sentinel failing over from :{old.port} to :{new.port}",
            interval=0.1,
            errors_are_not_yet=redis.RedisError,
        )
        return new

    def _start_failover(self) -> bool:
        try:
            return self.sentinel.client().execute_command("SENTINEL", "FAILOVER", self.master_name)
        except redis.ResponseError as error:
            # Until the sentinel has checked the replica (INFO every second or ten).
            if "NOGOODSLAVE" in str(error):
                return False
            raise

    def stop(self) -> None:
        for server in (self.sentinel, *self.servers):
            server.stop()


def _start_and_wait(
    command: list[str], directory: Path, client: redis.Redis, own_session: bool = False
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command,
        stdout=(directory / "log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=own_session,
    )

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(
                f"{command[0]} exited (rc={process.returncode}); see {directory}/log"
            )
        return bool(client.ping())

    try:
        wait_until(
            answers,
            START_TIMEOUT_SECONDS,
            f"{command[0]} answering PING; see {directory}/log",
            interval=0.05,
            errors_are_not_yet=redis.ConnectionError,
        )
    except BaseException:
        process.kill()
        raise
    return process


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        process.wait(timeout=10)
