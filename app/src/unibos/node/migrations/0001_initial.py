from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="CachedCredential",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("organization_id", models.BigIntegerField()),
                ("username", models.CharField(max_length=150)),
                ("user_id", models.BigIntegerField()),
                ("email", models.CharField(blank=True, max_length=254)),
                ("password_hash", models.CharField(max_length=256)),
                ("role", models.CharField(max_length=20)),
                ("cached_at", models.DateTimeField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization_id", "username"),
                        name="cached_credential_once_per_user",
                    )
                ],
            },
        ),
    ]
