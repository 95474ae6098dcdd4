"""The operations of one record, which the ledger reads back to fold it again."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sync", "0002_row_level_security")]

    operations = [
        migrations.AddIndex(
            model_name="syncoperation",
            index=models.Index(
                fields=["organization", "collection", "record_id"], name="sync_operation_record"
            ),
        ),
    ]
