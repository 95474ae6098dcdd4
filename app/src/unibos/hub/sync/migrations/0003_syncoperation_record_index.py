"""The operations of one record, which the ledger reads back to fold it again.

Built concurrently: a hub's operations table grows without bound, and a plain CREATE
INDEX would hold off every push while it builds.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("sync", "0002_row_level_security")]

    operations = [
        AddIndexConcurrently(
            model_name="syncoperation",
            index=models.Index(
                fields=["organization", "collection", "record_id"], name="sync_operation_record"
            ),
        ),
    ]
