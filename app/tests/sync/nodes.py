"""Nodes for the sync tests: each enrolled with the real hub, with its own store."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from unibos.identity import tenancy
from unibos.node.state import Identity
from unibos.sync.agent import Agent
from unibos.sync.hlc import wall_ms
from unibos.sync.models import SyncOperation
from unibos.sync.store import SyncStore


@dataclass
class SyncNode:
    identity: Identity
    credential: str
    store: SyncStore
    hub_url: str

    @property
    def node_id(self) -> str:
        return self.identity.node_id

    def agent(self, batch_size: int = 1000) -> Agent:
        return Agent(self.store, self.identity, self.credential, lambda: self.hub_url, batch_size)

    def sync(self) -> None:
        self.agent().sync()


def enrol(hub, name: str, path: Path, wall: Callable[[], int] = wall_ms) -> SyncNode:
    answer = hub.client.enrol(hub.enrolment_token(), name, "0.1.0")
    identity = Identity(
        node_id=answer["node_id"],
        name=name,
        organization=answer["organization"],
        issuer=answer["issuer"],
        hub_url=hub.url,
        enrolled_at=datetime.now(UTC).isoformat(),
    )
    return SyncNode(
        identity, answer["credential"], SyncStore(path, identity.node_id, wall), hub.url
    )


def hub_operations(node_id: str) -> list[tuple[int, str]]:
    """(seq, hlc) of the node's operations on the hub, in the hub's order."""
    with tenancy.system():
        return list(
            SyncOperation.unscoped.filter(node_id=node_id).order_by("id").values_list("seq", "hlc")
        )
