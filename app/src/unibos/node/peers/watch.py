"""The sync agent's peer watch: mDNS discovery, the heartbeat and the pulls, in one thread.

Every HEARTBEAT_SECONDS it beats each announced peer of this node's organization
(a new announcement wakes it at once, so a peer is listed within about a second of
announcing), verifies the proof each answer carries (the peer's node token), records the
answers in the table (unibos.node.peers.table), logs each transition once, then pulls
from every peer that is up and whose vector holds what this node lacks
(unibos.node.peers.exchange), batch after batch while they come back full, into the
store, which applies each operation once in origin order and queues it for the hub. At
last it saves the table to the sync store, where `unibos peers` reads it. Idle it costs
one small HTTP call per peer per beat and one SQLite transaction: no pull while the
heartbeats' vectors show nothing lacking.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from unibos.node.peers import exchange, heartbeat
from unibos.node.peers.auth import NodeToken, PeerRefused, RefusalLog, verify_node
from unibos.node.peers.table import HEARTBEAT_SECONDS, UP, Announcement, Peer, PeerTable
from unibos.node.state import Identity
from unibos.node.sync.store import SyncStore
from unibos.sync import delivery

log = logging.getLogger("unibos.peers")

Beat = Callable[[str, int, str, str, Identity], dict[str, Any]]
# exchange.pull: address, port, host, token, identity, and the vector by keyword.
Pull = Callable[..., dict[str, Any]]


def named(peer: Announcement) -> str:
    """A peer as the log names it."""
    return f"{peer.name} ({peer.node_id} at {peer.address})"


class PeerWatch:
    def __init__(
        self,
        identity: Identity,
        store_path: Path,
        token: NodeToken,
        discovery: Callable[[Callable[[Announcement], object], Callable[[str], object]], Any],
        *,
        table: PeerTable | None = None,
        beat: Beat = heartbeat.beat,
        pull: Pull = exchange.pull,
        interval: float = HEARTBEAT_SECONDS,
    ) -> None:
        """`discovery(on_announced, on_withdrawn)` makes the mDNS side (a Discovery, or
        a test's stand-in) with `start` and `stop`."""
        self.identity, self.store_path, self.token = identity, store_path, token
        self.table = table or PeerTable()
        self.beat, self.pull, self.interval = beat, pull, interval
        self.discovery = discovery(self._announced, self._withdrawn)
        self.refusals = RefusalLog()
        # A pull's answer refused: apart, so that the beat accepted between two pulls
        # does not make each refusal news again.
        self.refused_answers = RefusalLog()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="unibos-peers", daemon=True)
        self._no_token_logged = False
        # What the last round saved: None until the first, which replaces the last run's.
        self._saved: list[dict[str, object]] | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Say goodbye and end the thread after its round in flight."""
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            self._watch()
        except Exception:
            # The agent's sync with the hub goes on: peers are an addition to it.
            log.exception("the peer watch failed; peers are not looked for until a restart")

    def _watch(self) -> None:
        # Opened in this thread: a SQLite connection belongs to the thread that opened it.
        store = SyncStore(self.store_path, self.identity.node_id)
        try:
            log.info("announcing this node on the LAN and looking for its peers")
            self.discovery.start()
            while not self._stopping.is_set():
                self.round(store)
                self._wake.wait(self.interval)
                self._wake.clear()
        finally:
            self.discovery.stop()
            store.close()

    def round(self, store: SyncStore) -> None:
        """Beat every announced peer once, pull from those holding what this node lacks,
        then save the table."""
        token = self.token.get()
        if token is None and not self._no_token_logged:
            log.warning("no node token (the hub has not issued one lately): peers refuse it")
        self._no_token_logged = token is None
        with self._lock:
            # Copies: the calls go out without the lock, and discovery may change a peer.
            due = [replace(peer) for peer in self.table.due()]
        for peer in due:
            outcome = self._beat(peer, token)
            with self._lock:
                changed = outcome()
            if changed is not None:
                found = peer.announcement
                log.info(
                    "peer %s (%s at %s) is %s", found.name, found.node_id, found.address, changed
                )
        if token is not None:
            for peer in self._ahead(store.vector()):
                self._pull(store, peer, token)
        with self._lock:
            rows = self.table.rows()
        # Nothing new (no peer at all, or none answering): no write, no fsync.
        if rows != self._saved:
            store.save_peers(rows)
            self._saved = rows

    def _beat(self, target: Peer, token: str | None) -> Callable[[], str | None]:
        """The call, outside the lock; what it did to the table, to apply under it."""
        found = target.announcement
        node_id = found.node_id
        peer = named(found)
        if token is None:
            return lambda: self.table.failed(node_id, "this node has no node token")
        try:
            answer = self.beat(found.address, found.port, found.host, token, self.identity)
        except PeerRefused as refusal:
            reason = refusal.reason
            self.refusals.refused(peer, f"it refuses this node: {reason}")
            return lambda: self.table.refused(node_id, reason)
        except heartbeat.PeerUnreachable as error:
            failure = str(error)
            return lambda: self.table.failed(node_id, failure)
        try:
            self._verify(answer, node_id)
        except PeerRefused as refusal:
            reason = refusal.reason
            self.refusals.refused(peer, reason)
            return lambda: self.table.refused(node_id, reason)
        self.refusals.forget(peer)
        return lambda: self.table.answered(node_id, answer["vector"])

    def _verify(self, answer: dict[str, Any], node_id: str) -> None:
        """The answer is the found node's: it says so, and its proof, a node token
        verified against this node's cached JWKS, is that node's, of this organization."""
        if answer["node_id"] != node_id:
            raise PeerRefused(403, f"it answered as node {answer['node_id']}")
        proof = answer.get("proof")
        if not isinstance(proof, str) or not proof:
            raise PeerRefused(403, "its answer carries no proof of who it is (a node token)")
        try:
            verify_node(proof, node_id, self.token.state, self.identity)
        except PeerRefused as refusal:
            raise PeerRefused(
                refusal.status, f"its proof does not verify: {refusal.reason}"
            ) from None

    def _ahead(self, ours: delivery.Vector) -> list[Peer]:
        """The peers up whose last vector holds operations this node lacks (its own
        excepted: none but its log holds them)."""
        with self._lock:
            peers = [replace(peer) for peer in self.table.due() if peer.state == UP]
        ahead = []
        for peer in peers:
            theirs = {
                origin: seq
                for origin, seq in (peer.vector or {}).items()
                if origin != self.identity.node_id
            }
            if delivery.lacks(theirs, ours):
                ahead.append(peer)
        return ahead

    def _pull(self, store: SyncStore, target: Peer, token: str) -> None:
        """Take what `target` holds and this node lacks into the store, batch after batch
        while they come back full and bring something."""
        found = target.announcement
        peer = named(found)
        while True:
            try:
                answer = self.pull(
                    found.address,
                    found.port,
                    found.host,
                    token,
                    self.identity,
                    vector=store.vector(),
                )
            except heartbeat.PeerUnreachable:
                # The heartbeat says whether it is gone; the next round asks again.
                return
            except PeerRefused as refusal:
                self.refusals.refused(peer, f"it refuses this node: {refusal.reason}")
                return
            except exchange.MalformedAnswer as error:
                self.refused_answers.refused(peer, f"its answer is refused: {error}")
                return
            try:
                self._verify(answer, found.node_id)
            except PeerRefused as refusal:
                self.refused_answers.refused(peer, f"its answer is refused: {refusal.reason}")
                return
            self.refused_answers.forget(peer)
            received = store.receive(answer["operations"])
            with self._lock:
                if found.node_id in self.table.peers:
                    self.table.answered(found.node_id, answer["vector"])
            if received:
                log.info("took %d operations from peer %s", received, peer)
            if not answer["more"] or not received:
                return

    def _announced(self, announcement: Announcement) -> None:
        if announcement.organization != self.identity.organization_id:
            # Another organization's node: never a peer, never sent anything.
            return
        with self._lock:
            self.table.announced(announcement)
        # Beat it now, not at the next round.
        self._wake.set()

    def _withdrawn(self, node_id: str) -> None:
        with self._lock:
            changed = self.table.withdrawn(node_id)
        if changed is not None:
            log.info("peer %s is %s (goodbye)", node_id, changed)
        self._wake.set()


def from_settings(
    identity: Identity, credential: str, hub_url: Callable[[], str]
) -> PeerWatch | None:
    """The watch of this node: mDNS on UNIBOS_MDNS_INTERFACES, the API port
    UNIBOS_NODE_API_PORT announced, the table saved to UNIBOS_SYNC_DB_PATH. None when
    no interface is set, or none has an address (logged): no discovery then."""
    from django.conf import settings  # noqa: PLC0415

    import unibos  # noqa: PLC0415
    from unibos.node.config import NodeConfig  # noqa: PLC0415

    if not settings.UNIBOS_MDNS_INTERFACES:
        return None
    # zeroconf is imported only by a node that discovers: the others never load it.
    from unibos.node.peers.discovery import Discovery, interface_addresses  # noqa: PLC0415

    addresses = interface_addresses(settings.UNIBOS_MDNS_INTERFACES)
    if not addresses:
        log.warning(
            "no address on the mDNS interfaces %s: not looking for peers",
            ", ".join(settings.UNIBOS_MDNS_INTERFACES),
        )
        return None

    def discovery(
        on_announced: Callable[[Announcement], object], on_withdrawn: Callable[[str], object]
    ) -> Discovery:
        return Discovery(
            identity,
            settings.UNIBOS_NODE_API_PORT,
            unibos.__version__,
            addresses,
            on_announced=on_announced,
            on_withdrawn=on_withdrawn,
        )

    token = NodeToken(NodeConfig.from_settings().state, identity, credential, hub_url)
    return PeerWatch(identity, Path(settings.UNIBOS_SYNC_DB_PATH), token, discovery)
