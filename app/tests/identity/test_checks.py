"""unibos.E010 (the hub's database role must not skip RLS) and E011 (the key passphrase)."""

import pytest
from django.core import checks
from django.db import connections
from django.db.utils import ConnectionHandler
from django.test import override_settings
from psycopg import sql
from unibos.identity import checks as identity_checks

ROLES = {
    "superuser": "SUPERUSER",
    "bypassrls": "NOSUPERUSER BYPASSRLS",
}


def errors(**run: object) -> dict[str, str]:
    return {m.id: m.msg for m in checks.run_checks(**run) if m.is_serious()}


@pytest.mark.django_db
def test_the_apps_own_role_passes_the_database_checks():
    assert "unibos.E010" not in errors(databases=["default"])


@pytest.fixture
def role_that_skips_rls(request, postgresql_server, django_db_blocker, monkeypatch):
    """The check's connections, logged in as a role with request.param's attributes."""
    name, password = f"unibos_{request.param}", "s3cret"
    admin = connections["default"].settings_dict
    with django_db_blocker.unblock(), postgresql_server.admin_connection() as connection:
        connection.execute(
            sql.SQL("CREATE ROLE {} LOGIN {} PASSWORD {}").format(
                sql.Identifier(name), sql.SQL(ROLES[request.param]), sql.Literal(password)
            )
        )
    handler = ConnectionHandler({"default": {**admin, "USER": name, "PASSWORD": password}})
    monkeypatch.setattr(identity_checks, "connections", handler)
    try:
        with django_db_blocker.unblock():
            yield name
    finally:
        handler.close_all()
        with django_db_blocker.unblock(), postgresql_server.admin_connection() as connection:
            connection.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


@pytest.mark.parametrize(
    ("role_that_skips_rls", "attribute"),
    [("superuser", "a PostgreSQL superuser"), ("bypassrls", "a PostgreSQL BYPASSRLS role")],
    indirect=["role_that_skips_rls"],
)
def test_a_role_that_skips_row_level_security_fails_the_hub_naming_unibos_db_user(
    role_that_skips_rls, attribute
):
    found = errors(databases=["default"])

    assert found["unibos.E010"].startswith(
        f"UNIBOS_DB_USER ('{role_that_skips_rls}') is {attribute}"
    )


@pytest.mark.parametrize("role_that_skips_rls", ["superuser"], indirect=True)
def test_the_role_check_is_the_hubs_only(role_that_skips_rls):
    with override_settings(UNIBOS_DEPLOYMENT_TYPE="node"):
        assert "unibos.E010" not in errors(databases=["default"])


def test_the_hub_without_a_signing_key_passphrase_fails_naming_it():
    with override_settings(UNIBOS_SIGNING_KEY_PASSPHRASE=""):
        assert "UNIBOS_SIGNING_KEY_PASSPHRASE" in errors()["unibos.E011"]
