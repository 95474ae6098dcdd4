"""What each plan allows, and the checks that keep an organization within its limits.

A check locks the organization's row (SELECT ... FOR UPDATE) before it counts, so two
concurrent additions are serialised and cannot both take the last place. Call it inside
the transaction that then adds the member or node.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unibos.identity.models import Organization

LIMITS = ("max_users", "max_nodes", "max_storage_mb")

PLANS: dict[str, dict[str, int]] = {
    "free": {"max_users": 3, "max_nodes": 1, "max_storage_mb": 1_024},
    "personal": {"max_users": 5, "max_nodes": 3, "max_storage_mb": 10_240},
    "team": {"max_users": 25, "max_nodes": 10, "max_storage_mb": 102_400},
    "business": {"max_users": 250, "max_nodes": 50, "max_storage_mb": 1_048_576},
    "enterprise": {"max_users": 10_000, "max_nodes": 1_000, "max_storage_mb": 10_485_760},
}

_NOUNS = {"max_users": "users", "max_nodes": "nodes", "max_storage_mb": "MB of storage"}


class LimitExceeded(Exception):
    """The organization is at its limit; the message names the organization and limit."""

    def __init__(self, organization: "Organization", limit: str, allowed: int) -> None:
        self.organization, self.limit, self.allowed = organization, limit, allowed
        noun = _NOUNS[limit]
        super().__init__(
            f"organization {organization.slug!r} allows {allowed} {noun} ({limit}) and has "
            f"reached it; raise {limit} or remove some {noun} first"
        )


def reserve_member(organization: "Organization") -> None:
    """Raise LimitExceeded unless one more member fits under max_users."""
    locked = _lock(organization)
    if organization.memberships(manager="unscoped").count() >= locked.max_users:
        raise LimitExceeded(locked, "max_users", locked.max_users)


def reserve_node(organization: "Organization") -> None:
    """Raise LimitExceeded unless one more node fits under max_nodes.

    A revoked node stays in the registry but no longer takes a place.
    """
    locked = _lock(organization)
    active = organization.nodes(manager="unscoped").filter(revoked_at__isnull=True)
    if active.count() >= locked.max_nodes:
        raise LimitExceeded(locked, "max_nodes", locked.max_nodes)


def _lock(organization: "Organization") -> "Organization":
    # The limits as stored now, not as this process last read them.
    return type(organization).objects.select_for_update().get(pk=organization.pk)
