from django.db import models


class CachedCredential(models.Model):
    """What lets a user log in on this node while the hub is unreachable.

    Written at each login through this node that the hub accepted; the ids are the
    hub's (the node keeps no users of its own).
    """

    organization_id = models.BigIntegerField()
    username = models.CharField(max_length=150)
    user_id = models.BigIntegerField()
    email = models.CharField(max_length=254, blank=True)
    # Django's hasher, so the password itself is never stored.
    password_hash = models.CharField(max_length=256)
    role = models.CharField(max_length=20)
    cached_at = models.DateTimeField()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["organization_id", "username"], name="cached_credential_once_per_user"
            ),
        )

    def __str__(self) -> str:
        return f"{self.username} (organization {self.organization_id})"
