import uuid
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models

from unibos.identity.limits import PLANS
from unibos.identity.tenancy import TenantModel

SLUG_PATTERN = r"^[a-z0-9-]{2,50}\Z"


class User(AbstractUser):
    """A person; which organizations they belong to, and as what, is in Membership."""


class Organization(models.Model):
    class Type(models.TextChoices):
        INDIVIDUAL = "individual"
        FAMILY = "family"
        TEAM = "team"
        ORGANIZATION = "organization"
        NONPROFIT = "nonprofit"
        ENTERPRISE = "enterprise"

    class Plan(models.TextChoices):
        FREE = "free"
        PERSONAL = "personal"
        TEAM = "team"
        BUSINESS = "business"
        ENTERPRISE = "enterprise"

    slug = models.CharField(
        max_length=50,
        unique=True,
        validators=[RegexValidator(SLUG_PATTERN, "2 to 50 lowercase letters, digits or hyphens")],
    )
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.ORGANIZATION)
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.FREE)
    # None until saved: then the plan's value (unibos.identity.limits.PLANS).
    max_users = models.PositiveIntegerField(blank=True)
    max_nodes = models.PositiveIntegerField(blank=True)
    max_storage_mb = models.PositiveIntegerField(blank=True)
    modules = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.slug

    def save(self, *args: Any, **kwargs: Any) -> None:
        for limit, value in PLANS[self.plan].items():
            if getattr(self, limit) is None:
                setattr(self, limit, value)
        super().save(*args, **kwargs)


class Membership(TenantModel):
    class Role(models.TextChoices):
        OWNER = "owner"
        ADMIN = "admin"
        MEMBER = "member"
        VIEWER = "viewer"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        constraints = (
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org"),
        )

    def __str__(self) -> str:
        return f"{self.user} in {self.organization_id} as {self.role}"


class Node(TenantModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    version = models.CharField(max_length=50, blank=True)
    # SHA-256 hex of the 32-byte secret the node was given once at enrolment.
    credential_hash = models.CharField(max_length=64)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("enrolled_at", "name")

    def __str__(self) -> str:
        return f"{self.name} ({self.pk})"


class EnrolmentToken(TenantModel):
    # SHA-256 hex of the token, which is shown once and stored nowhere.
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    node = models.OneToOneField(Node, on_delete=models.SET_NULL, null=True, blank=True)

    def __str__(self) -> str:
        return f"enrolment token {self.pk} of {self.organization_id}"


class SigningKey(models.Model):
    """An Ed25519 key of the hub's; global, since every organization trusts the same hub."""

    class State(models.TextChoices):
        NEXT = "next"
        ACTIVE = "active"
        RETIRED = "retired"

    kid = models.CharField(max_length=64, unique=True)
    public_jwk = models.JSONField()
    # PKCS#8 PEM, encrypted with UNIBOS_SIGNING_KEY_PASSPHRASE.
    private_pem = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at",)
        constraints = (
            # Two hubs rotating at once must not end up with two signing keys.
            models.UniqueConstraint(
                fields=["state"],
                condition=~models.Q(state="retired"),
                name="one_next_and_one_active_key",
            ),
        )

    def __str__(self) -> str:
        return f"{self.kid} ({self.state})"
