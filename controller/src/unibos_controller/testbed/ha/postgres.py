"""PostgreSQL in the `ha` scenario: inside a container as the postgres superuser, and
through a hub's HAProxy from the build machine as the hub's database user."""

from __future__ import annotations

from typing import Any

from unibos_controller.testbed.ha.podman import exec_in
from unibos_controller.testbed.ha.scenario import (
    HAPROXY_RW_PORT,
    HUB_DATABASE,
    HUB_DATABASE_USER,
    PSQL,
    HAError,
)


def psql_as_postgres(container: str, sql: str, timeout: float = 30) -> str:
    """Run SQL as the postgres superuser over the local socket (peer authentication)."""
    return exec_in(
        container,
        "runuser", "-u", "postgres", "--",
        PSQL, "-w", "-X", "-A", "-t", "-F", "|", "-d", "postgres", "-c", sql,
        timeout=timeout,
    ).strip()  # fmt: skip


def is_primary(container: str) -> bool:
    """Whether the container's PostgreSQL runs as a primary (not in recovery).

    Raises HAError when it cannot tell: a member that does not answer is unknown, not
    "not a primary" (a check that it did not promote itself must not pass for it).
    """
    answer = psql_as_postgres(container, "SELECT pg_is_in_recovery()", timeout=10)
    if answer not in ("t", "f"):
        raise HAError(f"{container}: pg_is_in_recovery() answered {answer!r}")
    return answer == "f"


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
