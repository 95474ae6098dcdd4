"""Adding, re-roling and removing members, the same through the API and the CLI.

Each change runs in its own transaction, with the organization's row (adding: the
user limit) or the owners' rows (demoting, removing) locked, so concurrent requests
cannot both take the last place or both remove the last owner. Call inside
tenancy.scope(the organization) or tenancy.system().
"""

from django.db import transaction

from unibos.identity import limits
from unibos.identity.models import Membership, Organization, User

OWNER = Membership.Role.OWNER


class MembershipRefused(Exception):
    """The change would break a rule; `code` is the API's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def add(organization: Organization, user: User, role: str) -> Membership:
    """Raises limits.LimitExceeded at max_users, MembershipRefused if a member already."""
    with transaction.atomic():
        if Membership.objects.filter(organization=organization, user=user).exists():
            raise MembershipRefused(
                "exists", f"{user.username!r} is a member of {organization.slug!r} already"
            )
        limits.reserve_member(organization)
        return Membership.objects.create(organization=organization, user=user, role=role)


def change_role(membership: Membership, role: str) -> None:
    with transaction.atomic():
        if role != OWNER:
            _keep_an_owner(membership)
        membership.role = role
        membership.save(update_fields=["role"])


def remove(membership: Membership) -> None:
    with transaction.atomic():
        _keep_an_owner(membership)
        membership.delete()


def _keep_an_owner(membership: Membership) -> None:
    if membership.role != OWNER:
        return
    owners = Membership.objects.select_for_update().filter(
        organization_id=membership.organization_id, role=OWNER
    )
    if [owner.pk for owner in owners] == [membership.pk]:
        raise MembershipRefused(
            "last_owner",
            f"{membership.user.username!r} is the last owner of "
            f"{membership.organization.slug!r}; make another member owner first",
        )
