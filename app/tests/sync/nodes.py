"""Nodes for the sync tests: each enrolled with the real hub, with its own store."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from unibos.hub.sync.models import SyncOperation, SyncRecord
from unibos.identity import tenancy
from unibos.node.state import Identity
from unibos.node.sync.agent import Agent
from unibos.node.sync.store import SyncStore
from unibos.sync import merge
from unibos.sync.hlc import wall_ms


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


def token(hub, node_id: str, credential: str) -> str:
    """A node token from the real hub."""
    return hub.client.node_token(node_id, credential, "0.1.0")["access_token"]


def push(client, bearer: str, content: bytes, encoding: str = "gzip"):
    """POST /api/sync/push with `content` as it is, through Django's test client."""
    return client.post(
        "/api/sync/push",
        content,
        content_type="application/json",
        headers={"Authorization": f"Bearer {bearer}", "Content-Encoding": encoding},
    )


def batch_of(node: SyncNode, operations: list[dict], **changes) -> dict:
    """The batch `node` pushes carrying `operations`, its own or others' it passes on."""
    return {
        "node_id": node.node_id,
        "organization": node.identity.organization_id,
        "operations": operations,
        **changes,
    }


def hub_operations(node_id: str) -> list[tuple[int, str]]:
    """(seq, hlc) of the node's operations on the hub, in the hub's order."""
    with tenancy.system():
        return list(
            SyncOperation.unscoped.filter(node_id=node_id).order_by("id").values_list("seq", "hlc")
        )


def hub_records(collection: str = "notes") -> dict[str, dict]:
    """The hub's records of `collection` as a reader sees them, deleted ones left out."""
    with tenancy.system():
        rows = SyncRecord.unscoped.filter(collection=collection)
        found = {row.record_id: merge.values(merge.decode(row.cells)) for row in rows}
    return {record_id: fields for record_id, fields in found.items() if fields is not None}


def write_at_random(node: SyncNode, rng: random.Random, count: int) -> None:
    """`count` writes to notes: puts, and a delete one time in ten, over 300 records, so
    that nodes writing at random write the same ones."""
    for _ in range(count):
        record_id = f"n{rng.randrange(300)}"
        if rng.random() < 0.1:
            node.store.delete("notes", record_id)
        else:
            node.store.put("notes", record_id, {"title": f"{node.identity.name} {rng.random()}"})
