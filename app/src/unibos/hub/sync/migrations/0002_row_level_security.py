"""Row-level security on the sync tables, as on identity's (unibos.identity.tenancy)."""

from django.db import migrations

from unibos.identity import tenancy

TENANT_TABLES = ("sync_syncoperation", "sync_syncrecord", "sync_syncconflict", "sync_nodesyncstate")


class Migration(migrations.Migration):
    dependencies = [("sync", "0001_initial")]

    operations = [tenancy.row_level_security(TENANT_TABLES)]
