"""Rows for the identity and API tests, made as system code makes them."""

from unibos.identity import enrolment, tenancy
from unibos.identity.models import Membership, Node, Organization, User

PASSWORD = "correct horse battery staple"


def organization(slug: str, **fields: object) -> Organization:
    return Organization.objects.create(slug=slug, name=f"{slug.title()} Inc.", **fields)


def user(username: str) -> User:
    return User.objects.create_user(username, f"{username}@example.org", PASSWORD)


def member(org: Organization, username: str, role: str = "member") -> Membership:
    with tenancy.system():
        return Membership.unscoped.create(organization=org, user=user(username), role=role)


def node(org: Organization, name: str = "node") -> tuple[Node, str]:
    """An enrolled node of `org` and its credential."""
    with tenancy.system():
        secret, _ = enrolment.create_token(org, None)
    return enrolment.enrol(secret, name, "0.1.0")


def enrolment_token(org: Organization, ttl_seconds: int = 3600) -> str:
    with tenancy.system():
        secret, _ = enrolment.create_token(org, None, ttl_seconds)
    return secret
