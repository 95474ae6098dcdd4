"""Row-level security on every tenant table (PostgreSQL only; see unibos.identity.tenancy).

FORCE makes the policy bind the tables' owner too, which is the app's own role. The
settings are read with missing_ok, so a connection that never set them sees no rows.
"""

from django.db import migrations

TENANT_TABLES = ("identity_membership", "identity_node", "identity_enrolmenttoken")

CONDITION = (
    "current_setting('unibos.all_organizations', true) = 'on' "
    "OR organization_id = NULLIF(current_setting('unibos.organization', true), '')::bigint"
)


def enable(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TENANT_TABLES:
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        schema_editor.execute(
            f"CREATE POLICY tenant_isolation ON {table} FOR ALL "
            f"USING ({CONDITION}) WITH CHECK ({CONDITION})"
        )


def disable(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TENANT_TABLES:
        schema_editor.execute(f"DROP POLICY tenant_isolation ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]

    operations = [migrations.RunPython(enable, disable)]
