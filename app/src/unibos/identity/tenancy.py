"""Which organization's rows the running code may touch, enforced twice below the views.

1. `TenantManager` (the `objects` of every `TenantModel`) filters each query on the
   current organization and returns no rows when there is none, so a view that forgets
   a filter leaks nothing.
2. On PostgreSQL, the row-level security policy `tenant_isolation` of every tenant
   table (migration 0002) reads the session settings `unibos.organization` and
   `unibos.all_organizations`, which `scope()` and `system()` write on every open
   connection, so even raw SQL sees only the current organization's rows.

The current organization lives in a ContextVar, so threads and async tasks each have
their own. A connection opened later takes the current value when it is created, and
a reused connection is reset when the scope that set it ends: it never carries a
tenant into the next request.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db import connections, migrations, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver

ORGANIZATION_SETTING = "unibos.organization"
ALL_ORGANIZATIONS_SETTING = "unibos.all_organizations"


@dataclass(frozen=True)
class Tenant:
    organization: int | None = None
    # System code (CLI, enrolment by token hash) works across organizations.
    everything: bool = False


_NOBODY = Tenant()
_current: ContextVar[Tenant] = ContextVar("unibos_tenant", default=_NOBODY)


def current() -> Tenant:
    return _current.get()


@contextmanager
def scope(organization_id: int) -> Iterator[None]:
    """Run the block as organization `organization_id`: its rows only."""
    with _entered(Tenant(organization=organization_id)):
        yield


@contextmanager
def system() -> Iterator[None]:
    """Run the block across all organizations: for the CLI and enrolment by token."""
    with _entered(Tenant(everything=True)):
        yield


@contextmanager
def _entered(tenant: Tenant) -> Iterator[None]:
    token = _current.set(tenant)
    _apply_to_open_connections(tenant)
    try:
        yield
    finally:
        _current.reset(token)
        _apply_to_open_connections(_current.get())


def _apply_to_open_connections(tenant: Tenant) -> None:
    for connection in connections.all(initialized_only=True):
        # A connection opened later gets the tenant from connection_created instead.
        # In a transaction that failed, no query may run; its rollback undoes what this
        # scope set inside it.
        if connection.connection is not None and not connection.needs_rollback:
            _apply(connection, tenant)


@receiver(connection_created)
def _reset_new_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    _apply(connection, _current.get())


def _apply(connection: BaseDatabaseWrapper, tenant: Tenant) -> None:
    if connection.vendor != "postgresql":
        return
    organization = "" if tenant.organization is None else str(tenant.organization)
    # Not local to a transaction: in autocommit mode each statement is one.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, false), set_config(%s, %s, false)",
            [
                ORGANIZATION_SETTING,
                organization,
                ALL_ORGANIZATIONS_SETTING,
                "on" if tenant.everything else "",
            ],
        )


class TenantManager(models.Manager):
    """The current organization's rows; all rows in system(); none without a tenant."""

    def get_queryset(self) -> models.QuerySet:
        tenant = _current.get()
        queryset = super().get_queryset()
        if tenant.everything:
            return queryset
        if tenant.organization is None:
            return queryset.none()
        return queryset.filter(organization_id=tenant.organization)


class TenantModel(models.Model):
    """A row owned by one organization; its table gets the tenant_isolation policy."""

    organization = models.ForeignKey(
        "identity.Organization", on_delete=models.CASCADE, related_name="%(class)ss"
    )

    objects: ClassVar[TenantManager] = TenantManager()
    # Explicit, for system code that has made sure it may see every organization.
    unscoped: ClassVar[models.Manager] = models.Manager()

    class Meta:
        abstract = True


# The policy's condition: every row in system(), else the current organization's.
ROW_CONDITION = (
    f"current_setting('{ALL_ORGANIZATIONS_SETTING}', true) = 'on' "
    f"OR organization_id = NULLIF(current_setting('{ORGANIZATION_SETTING}', true), '')::bigint"
)


def row_level_security(tables: Sequence[str]) -> migrations.RunPython:
    """The migration operation that puts the tenant_isolation policy on `tables`.

    FORCE makes the policy bind the tables' owner too, which is the app's own role.
    The settings are read with missing_ok, so a connection that never set them sees no
    rows. Nothing on other databases: they have no row-level security.
    """

    def enable(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            schema_editor.execute(
                f"CREATE POLICY tenant_isolation ON {table} FOR ALL "
                f"USING ({ROW_CONDITION}) WITH CHECK ({ROW_CONDITION})"
            )

    def disable(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(f"DROP POLICY tenant_isolation ON {table}")
            schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

    return migrations.RunPython(enable, disable)
