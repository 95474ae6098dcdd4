"""What this node knows of its peers, and when a peer counts as up or gone.

Pure: the clock is the caller's (wall seconds), and so are the answers. mDNS records
live for minutes (their TTL), so a peer that vanished without a goodbye would stay
listed that long; the heartbeat decides instead: a peer that answered within
GONE_AFTER_SECONDS is up, one that has not is gone. Beaten every HEARTBEAT_SECONDS, a
peer that vanishes is marked gone at the first failed beat past GONE_AFTER_SECONDS,
at most GONE_AFTER_SECONDS + HEARTBEAT_SECONDS + one beat's timeout after its last
answer (9 + 3 + 2 = 14 s, under the 15 s asked).
"""

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

# Announced, not answered yet.
FOUND = "found"
UP = "up"
GONE = "gone"
# It answered with a refusal (its organization's keys do not verify this node's token).
REFUSED = "refused"

HEARTBEAT_SECONDS = 3.0
GONE_AFTER_SECONDS = 9.0


@dataclass(frozen=True)
class Announcement:
    """A peer as its mDNS service describes it (its TXT record and address)."""

    node_id: str
    name: str
    address: str
    port: int
    organization: int
    version: str
    # Its mDNS host name (`<name>-<id>.local`), the Host of the heartbeat.
    host: str


@dataclass
class Peer:
    # As last announced.
    announcement: Announcement
    state: str
    # Wall seconds of the last answer; None: never answered.
    last_seen: float | None = None
    # Its version vector in the last answer.
    vector: dict[str, int] | None = None
    # Why it is gone or refused.
    reason: str | None = None
    # Still announced over mDNS (no goodbye, record not expired): it is beaten.
    announced: bool = True
    # When it was (last) announced: a peer that never answers is gone this long after.
    found_at: float = field(default=0.0, repr=False)


class PeerTable:
    """The peers of one node. Each method that changes a peer's state returns the new
    state (or None when unchanged), so the caller logs each transition once."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.peers: dict[str, Peer] = {}

    def announced(self, announcement: Announcement) -> str | None:
        """A peer's service appeared or changed (a restart may bring a new address)."""
        peer = self.peers.get(announcement.node_id)
        if peer is None:
            self.peers[announcement.node_id] = Peer(announcement, FOUND, found_at=self.clock())
            return FOUND
        peer.announcement = announcement
        if not peer.announced:
            peer.announced, peer.found_at = True, self.clock()
        return None

    def withdrawn(self, node_id: str) -> str | None:
        """Its service is gone from mDNS: a goodbye, or its record expired."""
        peer = self.peers.get(node_id)
        if peer is None:
            return None
        peer.announced = False
        return self._set(peer, GONE, "said goodbye")

    def answered(self, node_id: str, vector: dict[str, int]) -> str | None:
        peer = self.peers[node_id]
        peer.last_seen, peer.vector = self.clock(), dict(vector)
        return self._set(peer, UP, None)

    def refused(self, node_id: str, reason: str) -> str | None:
        return self._set(self.peers[node_id], REFUSED, reason)

    def failed(self, node_id: str, reason: str) -> str | None:
        """A beat got no answer: gone once the last answer (or the announcement, for a
        peer that never answered) is GONE_AFTER_SECONDS old."""
        peer = self.peers[node_id]
        since = peer.last_seen if peer.last_seen is not None else peer.found_at
        if peer.state == GONE or self.clock() - since < GONE_AFTER_SECONDS:
            return None
        return self._set(peer, GONE, reason)

    def due(self) -> list[Peer]:
        """The peers to beat: those still announced."""
        return [peer for peer in self.peers.values() if peer.announced]

    def rows(self) -> list[dict[str, object]]:
        """Every peer as the store keeps it (SyncStore.save_peers)."""
        rows = []
        for peer in self.peers.values():
            row: dict[str, object] = asdict(peer.announcement)
            # How to reach it now, not something to show.
            del row["host"]
            row.update(
                state=peer.state, last_seen=peer.last_seen, vector=peer.vector, reason=peer.reason
            )
            rows.append(row)
        return rows

    @staticmethod
    def _set(peer: Peer, state: str, reason: str | None) -> str | None:
        changed = peer.state != state
        peer.state, peer.reason = state, reason
        return state if changed else None
