"""Enrolment tokens, and the credentials a node gets in exchange for one (hub).

Both are 32 random bytes, base64url, shown once; only their SHA-256 is stored, so a
copy of the database lets no one enrol a node or pass for one.
"""

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from unibos.identity import limits, tenancy
from unibos.identity.models import EnrolmentToken, Node, Organization, User

SECRET_BYTES = 32
DEFAULT_TTL_SECONDS = 3600


class EnrolmentRefused(Exception):
    """The token or credential does not admit this node; the message says why."""


class NodeRevoked(EnrolmentRefused):
    """The credential is the node's, but the node may no longer act."""


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    organization: Organization, created_by: User | None, ttl_seconds: int = DEFAULT_TTL_SECONDS
) -> tuple[str, EnrolmentToken]:
    """A new one-time token into `organization`: the secret (shown once) and its row."""
    secret = new_secret()
    token = EnrolmentToken.unscoped.create(
        organization=organization,
        created_by=created_by,
        token_hash=secret_hash(secret),
        expires_at=timezone.now() + timedelta(seconds=ttl_seconds),
    )
    return secret, token


def enrol(
    secret: str, name: str, version: str, organization_slug: str | None = None
) -> tuple[Node, str]:
    """Spend the enrolment token `secret` on a new node; the node and its credential.

    `organization_slug`, when given, must be the token's organization: a token never
    enrols into another one. Raises EnrolmentRefused, or limits.LimitExceeded when the
    organization has max_nodes nodes already (the token then stays unused).
    """
    # Who is enrolling is known only once the token is found, by its hash.
    with tenancy.system(), transaction.atomic():
        token = (
            EnrolmentToken.unscoped.select_for_update()
            .select_related("organization")
            .filter(token_hash=secret_hash(secret))
            .first()
        )
        if token is None:
            raise EnrolmentRefused("unknown enrolment token")
        if token.used_at is not None:
            raise EnrolmentRefused("enrolment token has been used already")
        now = timezone.now()
        if token.expires_at <= now:
            raise EnrolmentRefused("enrolment token has expired")
        if organization_slug is not None and organization_slug != token.organization.slug:
            raise EnrolmentRefused(f"enrolment token is not for organization {organization_slug!r}")
        limits.reserve_node(token.organization)
        credential = new_secret()
        node = Node.unscoped.create(
            organization=token.organization,
            name=name,
            version=version,
            credential_hash=secret_hash(credential),
            last_contact_at=now,
        )
        token.used_at = now
        token.node = node
        token.save(update_fields=["used_at", "node"])
    return node, credential


def authenticate_node(node_id: str, credential: str, version: str) -> Node:
    """The node `node_id` if `credential` is its own; records its version and the contact."""
    try:
        key = uuid.UUID(node_id)
    except ValueError:
        raise EnrolmentRefused("unknown node or wrong credential") from None
    with tenancy.system(), transaction.atomic():
        node = (
            Node.unscoped.select_for_update().select_related("organization").filter(pk=key).first()
        )
        # The same answer for an unknown node and a wrong credential.
        if node is None or not hmac.compare_digest(node.credential_hash, secret_hash(credential)):
            raise EnrolmentRefused("unknown node or wrong credential")
        if node.revoked_at is not None:
            raise NodeRevoked(f"node {node.pk} was revoked at {_iso(node.revoked_at)}")
        node.version = version
        node.last_contact_at = timezone.now()
        node.save(update_fields=["version", "last_contact_at"])
    return node


def revoke(node: Node) -> None:
    if node.revoked_at is None:
        node.revoked_at = timezone.now()
        node.save(update_fields=["revoked_at"])


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
