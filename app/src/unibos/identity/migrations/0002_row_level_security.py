"""Row-level security on every tenant table (PostgreSQL only; see unibos.identity.tenancy)."""

from django.db import migrations

from unibos.identity import tenancy

TENANT_TABLES = ("identity_membership", "identity_node", "identity_enrolmenttoken")


def enable(apps, schema_editor):
    tenancy.enable_row_level_security(schema_editor, TENANT_TABLES)


def disable(apps, schema_editor):
    tenancy.disable_row_level_security(schema_editor, TENANT_TABLES)


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]

    operations = [migrations.RunPython(enable, disable)]
