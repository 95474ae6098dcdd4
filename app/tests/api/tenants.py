"""Two organizations for the API tests: a user per role, a node, an enrolment token."""

from dataclasses import dataclass, field

from django.conf import settings
from unibos.identity import keys, tokens
from unibos.identity.models import Membership, Node, Organization

from tests.identity import factories

ROLES = ("owner", "admin", "member", "viewer")


@dataclass
class Tenant:
    org: Organization
    members: dict[str, Membership] = field(default_factory=dict)
    node: Node | None = None
    credential: str = ""
    enrolment_token: str = ""

    def token(self, role: str = "owner") -> str:
        return token_for(self.members[role])

    @property
    def names(self) -> list[str]:
        """What would show that one of this tenant's rows leaked into an answer."""
        return [
            self.org.slug,
            self.org.name,
            str(self.node.pk),
            self.node.name,
            *(m.user.username for m in self.members.values()),
        ]


def token_for(membership: Membership, **overrides: object) -> str:
    kid, private_key = keys.signing_key()
    arguments = {
        "issuer": settings.UNIBOS_JWT_ISSUER,
        "subject": f"user:{membership.user_id}",
        "organization": membership.organization_id,
        "role": membership.role,
        "ttl_seconds": settings.UNIBOS_ACCESS_TOKEN_TTL,
    }
    return tokens.issue(private_key, kid, **{**arguments, **overrides})


def tenant(slug: str) -> Tenant:
    made = Tenant(factories.organization(slug, plan="team"))
    for role in ROLES:
        made.members[role] = factories.member(made.org, f"{slug}-{role}", role)
    made.node, made.credential = factories.node(made.org, f"{slug}-edge")
    made.enrolment_token = factories.enrolment_token(made.org)
    return made
