"""The real hub for the node's tests: this process's Django as live_server serves it."""

from dataclasses import dataclass

from django.conf import settings
from unibos.identity import enrolment, keys, tenancy
from unibos.identity.models import Membership, Organization, User
from unibos.node.hub_client import HubClient

PASSWORD = "correct horse battery staple"


@dataclass
class LiveHub:
    """The real hub, served by live_server, with organization acme."""

    url: str
    organization: Organization

    @property
    def issuer(self) -> str:
        return settings.UNIBOS_JWT_ISSUER

    @property
    def client(self) -> HubClient:
        return HubClient(self.url)

    def member(self, username: str, role: str = "member") -> User:
        user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
        with tenancy.system():
            Membership.unscoped.create(user=user, organization=self.organization, role=role)
        return user

    def enrolment_token(self) -> str:
        # As POST /api/enrolment-tokens does: inside the organization's scope.
        with tenancy.scope(self.organization.pk):
            secret, _ = enrolment.create_token(self.organization, None)
        return secret

    def login(self, username: str, password: str = PASSWORD) -> str:
        """A user token straight from the hub, not through the node."""
        return self.client.user_token(username, password, self.organization.slug)["access_token"]

    @classmethod
    def start(cls, url: str) -> "LiveHub":
        keys.ensure()
        # Room for a node enrolled again, or a second one.
        organization = Organization.objects.create(slug="acme", name="Acme", max_nodes=5)
        return cls(url=url, organization=organization)

    def rotate(self) -> None:
        keys.rotate()
