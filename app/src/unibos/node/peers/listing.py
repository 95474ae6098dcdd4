"""`unibos peers`: the peers as the sync agent last saved them, with what each side lacks.

The agent runs in another process (unibos-sync, or the node's worker on a Pi Zero 2 W)
and saves its table to the sync store at every heartbeat round; this reads it there.
"""

from datetime import UTC, datetime
from typing import Any

from unibos.node.sync.store import SyncStore
from unibos.sync.delivery import lacks


def describe(store: SyncStore) -> list[dict[str, Any]]:
    """Each peer: name, node id, address, organization, state, last seen (ISO 8601 or
    None), and how many operations it lacks of this node's and this node of its (None
    while it never answered)."""
    ours = store.vector()
    peers = []
    for peer in store.peers():
        theirs = peer["vector"]
        last_seen = peer["last_seen"]
        peers.append(
            {
                "name": peer["name"],
                "node_id": peer["node_id"],
                "address": f"{peer['address']}:{peer['port']}",
                "organization": peer["organization"],
                "version": peer["version"],
                "state": peer["state"],
                "reason": peer["reason"],
                "last_seen": None
                if last_seen is None
                else datetime.fromtimestamp(last_seen, UTC).isoformat(),
                "it_lacks": None if theirs is None else lacks(ours, theirs),
                "we_lack": None if theirs is None else lacks(theirs, ours),
            }
        )
    return peers
