"""PostgreSQL row-level security: raw SQL without the tenant filter still sees one tenant.

These run on the app's own connection, whose role is neither superuser nor BYPASSRLS
(tests/conftest.py), as on a hub; the first test makes sure of it.
"""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from unibos.identity import tenancy
from unibos.identity.tenancy import TenantModel

from tests.identity import factories

pytestmark = pytest.mark.django_db

TENANT_TABLES = sorted(
    model._meta.db_table for model in apps.get_models() if issubclass(model, TenantModel)
)
# The tables whose rows acme_and_globex makes; tests/sync covers the sync tables' rows.
IDENTITY_TABLES = [table for table in TENANT_TABLES if table.startswith("identity_")]


def query(sql: str, parameters: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return cursor.fetchall()


def organizations_seen(table: str) -> set[int]:
    return {row[0] for row in query(f"SELECT organization_id FROM {table}")}


@pytest.fixture
def acme_and_globex():
    acme, globex = factories.organization("acme"), factories.organization("globex")
    for org in (acme, globex):
        factories.member(org, f"owner-of-{org.slug}", "owner")
        factories.node(org)
        factories.enrolment_token(org)
    return acme, globex


def test_the_app_connects_as_a_role_that_row_level_security_binds():
    assert query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user") == [
        (False, False)
    ]


def test_every_tenant_table_has_forced_row_level_security_and_the_policy():
    rows = query(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, p.polname, p.polcmd "
        "FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid "
        "WHERE c.relname = ANY(%s) ORDER BY c.relname",
        [TENANT_TABLES],
    )

    identity = ["identity_enrolmenttoken", "identity_membership", "identity_node"]
    sync = ["sync_nodesyncstate", "sync_syncconflict", "sync_syncoperation", "sync_syncrecord"]
    assert identity + sync == TENANT_TABLES
    assert rows == [(table, True, True, "tenant_isolation", "*") for table in TENANT_TABLES]


@pytest.mark.parametrize("table", IDENTITY_TABLES)
def test_raw_sql_in_a_scope_returns_only_that_organizations_rows(acme_and_globex, table):
    acme, globex = acme_and_globex

    with tenancy.scope(acme.pk):
        assert organizations_seen(table) == {acme.pk}
    with tenancy.scope(globex.pk):
        assert organizations_seen(table) == {globex.pk}


@pytest.mark.parametrize("table", IDENTITY_TABLES)
def test_raw_sql_without_a_tenant_returns_no_rows(acme_and_globex, table):
    assert organizations_seen(table) == set()


@pytest.mark.parametrize("table", IDENTITY_TABLES)
def test_raw_sql_in_system_code_sees_every_organization(acme_and_globex, table):
    acme, globex = acme_and_globex

    with tenancy.system():
        assert organizations_seen(table) == {acme.pk, globex.pk}


def test_raw_sql_cannot_change_or_delete_another_organizations_rows(acme_and_globex):
    acme, globex = acme_and_globex

    with tenancy.scope(acme.pk), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE identity_membership SET role = 'viewer' WHERE organization_id = %s", [globex.pk]
        )
        assert cursor.rowcount == 0
        cursor.execute("DELETE FROM identity_node WHERE organization_id = %s", [globex.pk])
        assert cursor.rowcount == 0

    with tenancy.system():
        assert query(
            "SELECT role FROM identity_membership WHERE organization_id = %s", [globex.pk]
        ) == [("owner",)]
        assert (
            len(query("SELECT id FROM identity_node WHERE organization_id = %s", [globex.pk])) == 1
        )


def test_raw_sql_cannot_write_a_row_into_another_organization(acme_and_globex):
    acme, globex = acme_and_globex
    intruder = factories.user("intruder")

    with (
        tenancy.scope(acme.pk),
        pytest.raises(DatabaseError, match="row-level security"),
        transaction.atomic(),
    ):
        query(
            "INSERT INTO identity_membership (organization_id, user_id, role, created_at) "
            "VALUES (%s, %s, 'owner', now()) RETURNING id",
            [globex.pk, intruder.pk],
        )


def test_the_connection_carries_no_tenant_once_the_scope_ends(acme_and_globex):
    acme, _ = acme_and_globex
    settings_now = (
        "SELECT current_setting('unibos.organization', true), "
        "current_setting('unibos.all_organizations', true)"
    )

    with tenancy.scope(acme.pk):
        assert query(settings_now) == [(str(acme.pk), "")]
        with tenancy.system():
            assert query(settings_now) == [("", "on")]
        assert query(settings_now) == [(str(acme.pk), "")]
    assert query(settings_now) == [("", "")]


@pytest.mark.django_db(transaction=True)
def test_a_connection_opened_inside_a_scope_starts_with_that_scope_and_only_then():
    acme, globex = factories.organization("acme"), factories.organization("globex")
    factories.member(acme, "alice")
    factories.member(globex, "bob")

    with tenancy.scope(acme.pk):
        connection.close()
        assert organizations_seen("identity_membership") == {acme.pk}
    connection.close()
    assert organizations_seen("identity_membership") == set()
