"""`unibos-dev db` on the state of a clone of this checkout: a dump of the node's
database loaded back restores its rows; a missing dump is refused before any change."""

import psycopg
from unibos_controller.devstack import database
from unibos_controller.devstack.state import SIDES, State

# Rows of the node's database that these tests own: django_migrations is the one table
# every side's database has whatever apps its settings install (a node's install none of
# django.contrib.auth's), and rows of an app that does not exist are never read by Django.
TEST_APP = "unibos_dev_test"


def group_names(server):
    """The names of the node database's rows that add_group wrote."""
    with psycopg.connect(
        host="127.0.0.1", port=server.port, user=server.user, password=server.password,
        dbname=SIDES["node"].database, autocommit=True,
    ) as connection:  # fmt: skip
        rows = connection.execute("SELECT name FROM django_migrations WHERE app = %s", (TEST_APP,))
        return {name for (name,) in rows}


def add_group(server, name):
    with psycopg.connect(
        host="127.0.0.1", port=server.port, user=server.user, password=server.password,
        dbname=SIDES["node"].database, autocommit=True,
    ) as connection:  # fmt: skip
        connection.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, now())",
            (TEST_APP, name),
        )


def test_a_dump_of_the_node_database_loaded_back_restores_its_rows(stack_checkout, tmp_path, dev):
    # The server stays up across the commands, which use it as they would a run's.
    with database.postgresql(State(stack_checkout), owned=True) as server:
        result = dev(stack_checkout, "db", "migrate", "--side", "node")
        assert result.exit_code == 0, result.output
        add_group(server, "kept")
        dump = tmp_path / "node.dump"
        result = dev(stack_checkout, "db", "dump", str(dump), "--side", "node")
        assert result.exit_code == 0, result.output
        add_group(server, "added after the dump")
        assert group_names(server) == {"kept", "added after the dump"}

        result = dev(stack_checkout, "db", "load", str(dump), "--side", "node")
        assert result.exit_code == 0, result.output
        assert f"loaded {dump} into the node's database" in result.output
        assert group_names(server) == {"kept"}


def test_loading_a_missing_file_is_refused_with_exit_2_naming_it(stack_checkout, tmp_path, dev):
    missing = tmp_path / "no-such.dump"
    result = dev(stack_checkout, "db", "load", str(missing), "--side", "node")
    assert result.exit_code == 2
    assert f"{missing} does not exist" in result.output
    # Refused before even starting PostgreSQL: nothing was made.
    assert not (stack_checkout / ".dev-state").exists()


def test_loading_a_file_that_is_not_a_dump_is_refused_and_the_database_is_unchanged(
    stack_checkout, tmp_path, dev
):
    not_a_dump = tmp_path / "notes.txt"
    not_a_dump.write_text("not a dump\n")
    with database.postgresql(State(stack_checkout), owned=True) as server:
        assert dev(stack_checkout, "db", "migrate", "--side", "node").exit_code == 0
        add_group(server, "kept")
        result = dev(stack_checkout, "db", "load", str(not_a_dump), "--side", "node")
        assert result.exit_code == 2, result.output
        assert f"{not_a_dump} is not a pg_dump custom-format archive" in result.output
        assert group_names(server) == {"kept"}
