"""Row-level security on the sync tables, as on identity's (unibos.identity.tenancy)."""

from django.db import migrations

from unibos.identity import tenancy

TENANT_TABLES = ("sync_syncoperation", "sync_syncrecord", "sync_syncconflict", "sync_nodesyncstate")


def enable(apps, schema_editor):
    tenancy.enable_row_level_security(schema_editor, TENANT_TABLES)


def disable(apps, schema_editor):
    tenancy.disable_row_level_security(schema_editor, TENANT_TABLES)


class Migration(migrations.Migration):
    dependencies = [("sync", "0001_initial")]

    operations = [migrations.RunPython(enable, disable)]
