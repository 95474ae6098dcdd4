"""The wire format of a sync batch: its JSON Schema, its validation and its compression.

A batch is one node's push (its `node_id`): its own operations, and those of other nodes
of its organization that it passes on (unibos.sync.delivery), each operation carrying
its origin's `node_id` and seq. Each origin's operations in a batch are in seq order
with no gaps, so that the hub can take them whole; origins may interleave.

An operation its collection's export level keeps from the hub comes as a placeholder
(unibos.sync.export): its origin and seq alone, which move the origin's mark and store
nothing. A peer's answer (unibos.node.peers.exchange) holds operations of the same shape,
and a full one there may say its level, `peers`, which the hub never takes.

A batch is refused whole: the first problem found is raised as a BatchRefused naming
the field at fault, and nothing of the batch is applied. The schema here is the one the
hub's OpenAPI document publishes for POST /api/sync/push (unibos.http.hub.sync), and
the one a batch is checked against, in one compiled pass over all its operations; the
HTTP layer maps each refusal to its status.
"""

import gzip
import json
import uuid
import zlib
from typing import Any

from unibos.sync import documents, export
from unibos.sync.hlc import Timestamp
from unibos.sync.merge import DELETED
from unibos.validation import Violation, compile_schema

KINDS = ("put", "delete")
MAX_RECORD_ID = 200
COLLECTION_PATTERN = "^[A-Za-z0-9_.-]{1,100}$"
OPERATION_FIELDS = frozenset(
    ("node_id", "seq", "hlc", "collection", "record_id", "kind", "fields", "base")
)
BATCH_FIELDS = frozenset(("node_id", "organization", "operations"))

COLLECTION = {"type": "string", "pattern": COLLECTION_PATTERN}
# A field's name: any but the tombstone's.
FIELD_NAME = {"type": "string", "not": {"const": DELETED}}
RECORD_ID = {"type": "string", "minLength": 1, "maxLength": MAX_RECORD_ID}
FIELDS = {
    "type": "object",
    "description": 'a document field is {"$crdt": "<base64 Yjs update>"}; '
    f"{DELETED} is reserved for deletes",
    # Not `propertyNames: {not: ...}`: fastjsonschema checks a `not` by raising and
    # catching an exception, per field of every operation; a false schema is one `in`.
    "properties": {DELETED: False},
}
OPERATION = {
    "type": "object",
    "required": sorted(OPERATION_FIELDS),
    "additionalProperties": False,
    "properties": {
        # No `format: uuid`: it would be checked per operation. parse checks each origin
        # once, and the HLC's pattern already holds every node id to its shape.
        "node_id": {
            "type": "string",
            "description": "the origin's id: the pushing node's, or another node's of its "
            "organization whose operation it passes on",
        },
        "seq": {
            "type": "integer",
            "minimum": 1,
            "description": "the origin's; one origin's are consecutive in a batch",
        },
        "hlc": {
            "type": "string",
            "description": "<wall_ms:013d>:<counter:05d>:<node_id>, node_id the operation's",
        },
        "collection": COLLECTION,
        "record_id": RECORD_ID,
        "kind": {"enum": list(KINDS)},
        "fields": FIELDS,
        "base": {"type": "object"},
    },
}
PLACEHOLDER = {
    "type": "object",
    "required": ["kind", "node_id", "seq"],
    "additionalProperties": False,
    "description": "an operation of a collection whose export level keeps it from here: "
    "its origin and seq only, which move the origin's mark; nothing of it is stored",
    "properties": {
        "node_id": OPERATION["properties"]["node_id"],
        "seq": OPERATION["properties"]["seq"],
        "kind": {"const": export.PLACEHOLDER},
    },
}
# A full operation to a peer says its export level when it is not `hub`, so that the
# peer passing it on holds it to the origin's level (unibos.sync.export).
PEER_OPERATION = {
    **OPERATION,
    "properties": {
        **OPERATION["properties"],
        "export": {
            "enum": [export.HUB, export.PEERS],
            "description": "the level its origin stamped it with; absent: hub",
        },
    },
}


def operation_or_placeholder(operation: dict[str, Any]) -> dict[str, Any]:
    """The schema of a batch's item: `operation`, or a placeholder.

    Told apart by `kind`: `if` a put or delete (what nearly every item is, checked with
    no exception raised inside fastjsonschema), the operation's schema; else a
    placeholder's when it says it is one; else the operation's again, whose refusal
    names the field at fault.
    """
    return {
        "if": {"properties": {"kind": {"enum": list(KINDS)}}},
        "then": operation,
        "else": {
            "if": {"properties": {"kind": {"const": export.PLACEHOLDER}}, "required": ["kind"]},
            "then": PLACEHOLDER,
            "else": operation,
        },
    }


BATCH = {
    "type": "object",
    "required": sorted(BATCH_FIELDS),
    "additionalProperties": False,
    "properties": {
        "node_id": {"type": "string", "format": "uuid", "description": "the pushing node's"},
        "organization": {"type": "integer", "description": "the pushing node's"},
        "operations": {"type": "array", "items": operation_or_placeholder(OPERATION)},
    },
}
_check_batch = compile_schema(BATCH)


class BatchRefused(Exception):
    """The whole batch is refused because of `field`: `problem`."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


class MalformedBatch(BatchRefused):
    """Not a batch: bad encoding, JSON, shape or content."""


class ForeignBatch(BatchRefused):
    """Another node's or organization's operations."""


class OversizedBatch(BatchRefused):
    """More bytes or operations than this hub takes in one batch."""


def compress(document: dict[str, Any]) -> bytes:
    # Level 5: most of level 9's ratio on JSON at a fraction of its CPU on a Pi.
    return gzip.compress(json.dumps(document, separators=(",", ":")).encode(), compresslevel=5)


def decompress(content: bytes, encoding: str, max_bytes: int) -> bytes:
    """The body as sent; refused past `max_bytes` uncompressed, read no further (a gzip bomb)."""
    if encoding not in ("", "identity", "gzip"):
        raise MalformedBatch("body", f"Content-Encoding {encoding} is not gzip")
    if encoding == "gzip":
        inflater = zlib.decompressobj(wbits=31)
        try:
            content = inflater.decompress(content, max_bytes + 1)
        except zlib.error:
            raise MalformedBatch("body", "not valid gzip") from None
    if len(content) > max_bytes:
        raise OversizedBatch(
            "body", f"more than UNIBOS_SYNC_MAX_BATCH_BYTES ({max_bytes}) bytes uncompressed"
        )
    return content


def parse(
    content: bytes, *, node_id: str, organization: int, max_operations: int
) -> list[dict[str, Any]]:
    """The operations of a push from node `node_id` of `organization`, checked."""
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise MalformedBatch("body", "not valid JSON") from None
    operations = document.get("operations") if isinstance(document, dict) else None
    # Counted before the schema pass, so that an oversized batch costs no validation.
    if isinstance(operations, list) and len(operations) > max_operations:
        raise OversizedBatch(
            "operations", f"more than UNIBOS_SYNC_MAX_BATCH ({max_operations}) operations"
        )
    try:
        _check_batch(document)
    except Violation as violation:
        raise MalformedBatch(violation.field, violation.problem) from None
    if document["node_id"] != node_id:
        raise ForeignBatch("node_id", f"the batch is not this node's ({node_id})")
    if document["organization"] != organization:
        raise ForeignBatch(
            "organization", f"the batch is not for this node's organization ({organization})"
        )
    check_operations(operations, sender=node_id)
    return operations


def check_operations(operations: list[dict[str, Any]], sender: str | None = None) -> None:
    """What a schema cannot say of operations the schema has passed (a push's, or
    a peer's answer, unibos.node.peers.exchange): origins' ids (`sender`'s is known
    good), clocks, Yjs updates, consecutive seqs; MalformedBatch names the first at fault.
    Whether an origin is a node of the organization is the hub's ledger's to say.
    """
    # Names of fields at fault are built only for a refusal: this runs per operation.
    previous: dict[str, int] = {}
    for index, operation in enumerate(operations):
        origin = operation["node_id"]
        last = previous.get(origin)
        if last is None and origin != sender:
            _check_origin(origin, index)
        # A placeholder has no clock or fields to check.
        if operation["kind"] != export.PLACEHOLDER:
            _check_clock(operation, index)
            for value in operation["fields"].values():
                if isinstance(value, dict) and documents.KEY in value:
                    check_documents(operation["fields"], f"operations[{index}].fields")
                    break
        if last is not None and operation["seq"] != last + 1:
            raise MalformedBatch(
                f"operations[{index}].seq",
                f"must be {last + 1}: the seqs of one origin's operations in a batch "
                "are consecutive",
            )
        previous[origin] = operation["seq"]


def origins(operations: list[dict[str, Any]]) -> dict[str, int]:
    """Each origin of a checked batch, with the index of its first operation (to name it)."""
    first: dict[str, int] = {}
    for index, operation in enumerate(operations):
        first.setdefault(operation["node_id"], index)
    return first


def _check_origin(origin: str, index: int) -> None:
    """A node id as the hub issues them: a UUID in its canonical lowercase form."""
    try:
        canonical = str(uuid.UUID(origin))
    except ValueError:
        canonical = None
    if canonical != origin:
        raise MalformedBatch(f"operations[{index}].node_id", "must be a node id (a UUID)")


def _check_clock(operation: dict[str, Any], index: int) -> None:
    try:
        stamp = Timestamp.parse(operation["hlc"])
    except ValueError as error:
        raise MalformedBatch(f"operations[{index}].hlc", str(error)) from None
    if stamp.node_id != operation["node_id"]:
        raise MalformedBatch(
            f"operations[{index}].hlc", "must be a string ending with the operation's node_id"
        )


def check_documents(fields: dict[str, Any], at: str) -> None:
    """The fields a put writes, beyond the FIELDS schema: documents that are Yjs updates."""
    for name, value in fields.items():
        problem = documents.problem(value) if documents.is_document(value) else None
        if problem is not None:
            raise MalformedBatch(f"{at}.{name}", problem)
