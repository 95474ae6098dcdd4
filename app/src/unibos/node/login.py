"""Logging a user in on the node: through the hub when it answers, from the cache when not.

Each login the hub accepts refreshes the user's CachedCredential, so a user who logged
in here once can go on logging in while the hub is away, with the same password only.
A user who never logged in through this node has nothing cached and cannot.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from unibos.node import local_tokens
from unibos.node.config import NodeConfig
from unibos.node.hub_client import HubClient, HubRefused, HubUnreachable
from unibos.node.models import CachedCredential
from unibos.node.state import Identity

# The same sentence whether the user is unknown here or the password is wrong, so it
# does not tell which usernames have logged in through this node.
OFFLINE_REFUSAL = (
    "the hub is unreachable and no credential cached on this node matches this "
    "username and password"
)


class LoginRefused(Exception):
    def __init__(self, status: int, error: str, detail: str) -> None:
        self.status, self.error, self.detail = status, error, detail
        super().__init__(detail)


@dataclass(frozen=True)
class Login:
    # {access_token, token_type, expires_in, organization, role}: the hub's shape.
    token: dict[str, Any]
    # True: the hub was unreachable and the node signed the token itself.
    offline: bool


def login(config: NodeConfig, username: str, password: str) -> Login:
    identity = config.state.identity()
    hub = HubClient(config.hub_url_for(identity))
    try:
        token = hub.user_token(username, password, identity.organization["slug"])
        me = hub.me(token["access_token"])
    except HubUnreachable:
        return Login(_from_cache(config, identity, username, password), offline=True)
    except HubRefused as refusal:
        _forget(identity, username, password, refusal)
        raise LoginRefused(refusal.status, refusal.error or "refused", refusal.detail) from None
    CachedCredential.objects.update_or_create(
        organization_id=identity.organization_id,
        username=username,
        defaults={
            "user_id": me["user"]["id"],
            "email": me["user"].get("email") or "",
            "password_hash": make_password(password),
            "role": me["role"],
            "cached_at": timezone.now(),
        },
    )
    return Login(token, offline=False)


def _from_cache(
    config: NodeConfig, identity: Identity, username: str, password: str
) -> dict[str, Any]:
    cached = CachedCredential.objects.filter(
        organization_id=identity.organization_id, username=username
    ).first()
    # check_password hashes even without a hash to compare, so an unknown username
    # takes as long as a wrong password.
    matches = check_password(password, cached.password_hash if cached else "")
    if cached is None or not matches:
        raise LoginRefused(401, "invalid_credentials", OFFLINE_REFUSAL)
    return local_tokens.issue(config.state, identity, cached.user_id, cached.role)


def _forget(identity: Identity, username: str, password: str, refusal: HubRefused) -> None:
    """Drop a cached credential the hub has just shown to be out of date.

    403: the user is no longer a member. 401 to the very password cached here: it was
    changed on the hub. Any other wrong password leaves the cache alone, or anyone
    could lock a user out of offline login by mistyping their password on purpose.
    """
    cached = CachedCredential.objects.filter(
        organization_id=identity.organization_id, username=username
    ).first()
    if cached is None:
        return
    if refusal.status == 403 or (
        refusal.status == 401 and check_password(password, cached.password_hash)
    ):
        cached.delete()
