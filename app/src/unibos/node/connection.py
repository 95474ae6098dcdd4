"""Is the hub there for this node? Asked by `unibos status` and GET /api/node.

The question is a node token request, the node's one call that the hub records (its
version and last contact), so asking also keeps the hub's node registry current.
"""

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import unibos
from unibos.node import state as state_files
from unibos.node.config import NodeConfig
from unibos.node.hub_client import HubClient, HubRefused, HubUnreachable
from unibos.node.jwks_cache import JWKSCache
from unibos.node.state import Identity, StateDir

ONLINE = "online"
OFFLINE = "offline"


@dataclass(frozen=True)
class HubConnection:
    url: str
    state: str
    # Why the hub is offline for this node; None when online.
    reason: str | None
    last_contact_at: str | None
    jwks_fetched_at: str | None
    kids: list[str]


def check(config: NodeConfig, identity: Identity) -> HubConnection:
    state = config.state
    hub = HubClient(config.hub_url_for(identity))
    reason = None
    try:
        hub.node_token(identity.node_id, state.credential(), unibos.__version__)
    except HubUnreachable as error:
        reason = error.reason
    except HubRefused as refusal:
        reason = f"the hub refused this node's credential: {refusal.detail}"
    else:
        record_contact(state)
    cache = JWKSCache(state, hub, config.jwks_refresh_interval)
    # Offline, another request would only wait for the same timeout again.
    jwks = cache.cached() if reason else cache.current()
    return HubConnection(
        url=hub.url,
        state=OFFLINE if reason else ONLINE,
        reason=reason,
        last_contact_at=(state.read_json(state_files.CONTACT) or {}).get("last_contact_at"),
        jwks_fetched_at=jwks.fetched_at.isoformat() if jwks.fetched_at else None,
        kids=jwks.kids,
    )


def record_contact(state: StateDir) -> None:
    state.write_json(state_files.CONTACT, {"last_contact_at": datetime.now(UTC).isoformat()})


def describe(config: NodeConfig) -> dict[str, Any]:
    """GET /api/node's document, which `unibos status --json` prints too."""
    identity = config.state.identity()
    return {
        "node_id": identity.node_id,
        "name": identity.name,
        "organization": identity.organization,
        "hub": asdict(check(config, identity)),
    }
