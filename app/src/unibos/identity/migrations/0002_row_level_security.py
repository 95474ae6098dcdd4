"""Row-level security on every tenant table (PostgreSQL only; see unibos.identity.tenancy)."""

from django.db import migrations

from unibos.identity import tenancy

TENANT_TABLES = ("identity_membership", "identity_node", "identity_enrolmenttoken")


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]

    operations = [tenancy.row_level_security(TENANT_TABLES)]
