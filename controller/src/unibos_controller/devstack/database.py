"""The stack's PostgreSQL (the testbed's server, its cluster kept under the state
directory) and the hub's and the node's databases on it: django-admin with a side's
settings, and dump/load with pg_dump/pg_restore.

Dumps are pg_dump's custom format, not Django's dumpdata: the app's role is bound by
row-level security, so dumpdata as the app would see only the rows of no tenant, and a
dump of the database as its superuser holds the whole of it (schema, every row,
sequences, policies) in one file that pg_restore loads as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from psycopg import sql

from unibos_controller.devstack.processes import foreground
from unibos_controller.devstack.state import SIDES, Ports, Side, State
from unibos_controller.testbed.servers import PostgreSQL, free_port, postgresql_tool

DJANGO_ADMIN = str(Path(sys.executable).with_name("django-admin"))
# Redis's own default port: django-admin's commands read the Redis settings but migrate,
# shell, dump and load never connect, so without a run in progress any port will do.
REDIS_DEFAULT_PORT = 6379
HUB_DEFAULT_PORT = 8000
NODE_DEFAULT_PORT = 8001


class Refused(Exception):
    """Nothing was changed: the message says why (exit 2)."""


class Failed(Exception):
    """A database tool failed; the message holds its own words (exit 1)."""


def running_port(server: PostgreSQL) -> int | None:
    """The port of the cluster's postmaster when one is running, from postmaster.pid."""
    try:
        lines = (server.directory / "data" / "postmaster.pid").read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        # Left by a postmaster that was killed; pg_ctl start clears it.
        return None
    except PermissionError:
        # Alive, as the postgres user.
        pass
    return port


@contextmanager
def postgresql(state: State, *, owned: bool) -> Iterator[PostgreSQL]:
    """The state's PostgreSQL, running for the block, with both sides' databases.

    Its first start initialises the cluster. One already running (a `run` in another
    terminal, or one a killed run left behind) is used as it is; with `owned` (`run`)
    it is stopped at the end all the same, else (`db`) left running for its owner.
    """
    state.prepare()
    server = PostgreSQL(state.postgresql_dir, 0)
    port = running_port(server)
    started = port is None
    if port is None:
        server.port = free_port()
        if not server.initialised:
            # A directory that initdb did not finish holds nothing worth keeping.
            shutil.rmtree(server.directory, ignore_errors=True)
            server.initialise()
        server.launch()
    else:
        server.port = port
        server.password = (server.directory / "pwfile").read_text()
    try:
        ensure_databases(state, server)
        yield server
    finally:
        # Unless a start was interrupted before the server was up.
        if (started or owned) and running_port(server) is not None:
            server.stop("fast")


def ensure_databases(state: State, server: PostgreSQL) -> None:
    """Each side's login role (bound by row-level security, as on a hub) owning its
    database, and its password in the state's secrets; what is there is kept."""
    for side in SIDES.values():
        password_file = state.database_password_file(side)
        with server.admin_connection() as connection:
            has_role = connection.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (side.role,)
            ).fetchone()
            has_database = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (side.database,)
            ).fetchone()
        if not has_role:
            _write_secret(password_file, server.create_app_database(side.role, side.database))
            continue
        if not password_file.exists():
            # The role was made but its password not saved (an interrupted first start).
            password = os.urandom(18).hex()
            with server.admin_connection() as connection:
                connection.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                        sql.Identifier(side.role), sql.Literal(password)
                    )
                )
            _write_secret(password_file, password)
        if not has_database:
            # A load interrupted between dropping the old database and renaming the new.
            with server.admin_connection() as connection:
                connection.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(side.database), sql.Identifier(side.role)
                    )
                )


def _write_secret(path: Path, value: str) -> None:
    path.write_text(value + "\n")
    path.chmod(0o600)


def ports(state: State, server: PostgreSQL) -> Ports:
    """The stack's ports: those of a run in progress, else the defaults."""
    recorded = state.recorded_ports()
    return Ports(
        postgresql=server.port,
        redis=recorded.redis if recorded else REDIS_DEFAULT_PORT,
        hub=recorded.hub if recorded else HUB_DEFAULT_PORT,
        node=recorded.node if recorded else NODE_DEFAULT_PORT,
    )


def environment(state: State, side: Side, stack_ports: Ports) -> dict[str, str]:
    if side.name == "hub":
        return state.hub_environment(stack_ports)
    return state.node_environment(stack_ports)


def django_admin(state: State, side: Side, stack_ports: Ports, args: list[str]) -> int:
    """django-admin ARGS with the side's settings (as `unibos-manage SIDE ARGS` on a
    host), its terminal the caller's; its exit code."""
    return foreground(
        [DJANGO_ADMIN, *args], env=environment(state, side, stack_ports), cwd=state.root
    )


def _superuser_environment(server: PostgreSQL) -> dict[str, str]:
    return {**os.environ, "PGPASSWORD": server.password}


def _connection_args(server: PostgreSQL) -> list[str]:
    return ["-h", "127.0.0.1", "-p", str(server.port), "-U", server.user]


def dump(server: PostgreSQL, side: Side, path: Path) -> None:
    """pg_dump of the side's database, whole, as the superuser, to `path`."""
    done = subprocess.run(
        [postgresql_tool("pg_dump"), *_connection_args(server), "--format=custom",
         f"--file={path}", side.database],
        env=_superuser_environment(server), capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise Failed(f"pg_dump of the {side.name}'s database failed: {done.stderr.strip()}")


def table_owners(server: PostgreSQL, path: Path) -> set[str]:
    """The roles that own the tables in the dump at `path`; Refused when it is not a
    pg_dump custom-format archive."""
    listed = subprocess.run(
        [postgresql_tool("pg_restore"), "--list", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if listed.returncode != 0:
        raise Refused(f"{path} is not a pg_dump custom-format archive: {listed.stderr.strip()}")
    # Entries read "ID; OID OID TABLE schema name owner".
    return {
        fields[-1]
        for line in listed.stdout.splitlines()
        if not line.startswith(";") and len(fields := line.split()) >= 7 and fields[3] == "TABLE"
    }


def load(server: PostgreSQL, side: Side, path: Path) -> None:
    """Replace the side's database by the dump at `path`.

    Checked first, changing nothing when refused: the file is there, is a pg_dump
    archive, and its tables belong to this side's role (a hub dump into the node would
    leave the node's role without access to its tables). It is restored into a new
    database first; only when that succeeded is the old one dropped (its connections,
    a running stack's, closed) and the new one renamed in its place.
    """
    if not path.is_file():
        raise Refused(f"{path} does not exist (or is not a file); nothing was changed")
    owners = table_owners(server, path)
    strangers = owners - {side.role}
    if strangers:
        raise Refused(
            f"{path} is a dump of another side's database (its tables belong to "
            f"{', '.join(sorted(strangers))}, the {side.name}'s role is {side.role}); "
            "nothing was changed"
        )
    loading = f"{side.database}_loading"
    with server.admin_connection() as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(loading)))
        connection.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(loading), sql.Identifier(side.role)
            )
        )
    # As the superuser: the app's role may not bypass row-level security, which COPY
    # into a table with a policy would need. The owners are those the dump names.
    restored = subprocess.run(
        [postgresql_tool("pg_restore"), *_connection_args(server), "--exit-on-error",
         "--single-transaction", f"--dbname={loading}", str(path)],
        env=_superuser_environment(server), capture_output=True, text=True, check=False,
    )  # fmt: skip
    with server.admin_connection() as connection:
        if restored.returncode != 0:
            connection.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(loading)))
            raise Failed(
                f"pg_restore of {path} failed, the {side.name}'s database is unchanged: "
                f"{restored.stderr.strip()}"
            )
        connection.execute(
            sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(side.database))
        )
        connection.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(loading), sql.Identifier(side.database)
            )
        )
