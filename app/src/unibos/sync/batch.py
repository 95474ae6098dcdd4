"""The wire format of a sync batch: its validation and its compression.

A batch is refused whole: the first problem found is raised as an ApiError naming the
field at fault, and nothing of the batch is applied.
"""

import gzip
import json
import re
import zlib
from typing import Any

from unibos.http.body import invalid
from unibos.http.errors import ApiError
from unibos.sync import documents
from unibos.sync.hlc import Timestamp
from unibos.sync.merge import DELETED

KINDS = ("put", "delete")
COLLECTION = re.compile(r"[A-Za-z0-9_.-]{1,100}")
MAX_RECORD_ID = 200
OPERATION_FIELDS = frozenset(
    ("node_id", "seq", "hlc", "collection", "record_id", "kind", "fields", "base")
)
BATCH_FIELDS = frozenset(("node_id", "organization", "operations"))


def compress(document: dict[str, Any]) -> bytes:
    # Level 5: most of level 9's ratio on JSON at a fraction of its CPU on a Pi.
    return gzip.compress(json.dumps(document, separators=(",", ":")).encode(), compresslevel=5)


def decompress(content: bytes, encoding: str, max_bytes: int) -> bytes:
    """The body as sent; 413 past `max_bytes` uncompressed, read no further (a gzip bomb)."""
    if encoding not in ("", "identity", "gzip"):
        raise ApiError(400, "invalid", f"body: Content-Encoding {encoding} is not gzip")
    if encoding == "gzip":
        inflater = zlib.decompressobj(wbits=31)
        try:
            content = inflater.decompress(content, max_bytes + 1)
        except zlib.error:
            raise ApiError(400, "invalid", "body: not valid gzip", field="body") from None
    if len(content) > max_bytes:
        raise ApiError(
            413,
            "too_large",
            f"body: more than UNIBOS_SYNC_MAX_BATCH_BYTES ({max_bytes}) bytes uncompressed",
            field="body",
        )
    return content


def parse(
    content: bytes, *, node_id: str, organization: int, max_operations: int
) -> list[dict[str, Any]]:
    """The operations of a push from node `node_id` of `organization`, checked."""
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid", "body: not valid JSON", field="body") from None
    if not isinstance(document, dict):
        raise ApiError(400, "invalid", "body: must be a JSON object", field="body")
    unknown = sorted(set(document) - BATCH_FIELDS)
    if unknown:
        raise invalid(unknown[0], "unknown field")
    if document.get("node_id") != node_id:
        raise ApiError(
            403, "forbidden", f"node_id: the batch is not this node's ({node_id})", field="node_id"
        )
    if document.get("organization") != organization:
        raise ApiError(
            403,
            "forbidden",
            f"organization: the batch is not for this node's organization ({organization})",
            field="organization",
        )
    operations = document.get("operations")
    if not isinstance(operations, list):
        raise invalid("operations", "must be a list")
    if len(operations) > max_operations:
        raise ApiError(
            413,
            "too_large",
            f"operations: more than UNIBOS_SYNC_MAX_BATCH ({max_operations}) operations",
            field="operations",
        )
    for index, operation in enumerate(operations):
        check_operation(operation, f"operations[{index}]", node_id)
        if index and operation["seq"] != operations[index - 1]["seq"] + 1:
            raise invalid(
                f"operations[{index}].seq",
                f"must be {operations[index - 1]['seq'] + 1}: the seqs of a batch are consecutive",
            )
    return operations


def check_operation(operation: Any, at: str, node_id: str | None) -> None:
    """One operation's shape; `node_id`, when given, is whose operations are allowed."""
    if not isinstance(operation, dict):
        raise invalid(at, "must be an object")
    missing = sorted(OPERATION_FIELDS - set(operation))
    if missing:
        raise invalid(f"{at}.{missing[0]}", "required")
    unknown = sorted(set(operation) - OPERATION_FIELDS)
    if unknown:
        raise invalid(f"{at}.{unknown[0]}", "unknown field")
    if node_id is not None and operation["node_id"] != node_id:
        raise ApiError(
            403,
            "forbidden",
            f"{at}.node_id: another node's operation ({operation['node_id']!r})",
            field=f"{at}.node_id",
        )
    seq = operation["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise invalid(f"{at}.seq", "must be an integer from 1")
    _check_content(operation, at)


def _check_content(operation: dict[str, Any], at: str) -> None:
    """What an operation writes: its clock, record and fields."""
    try:
        stamp = Timestamp.parse(operation["hlc"]) if isinstance(operation["hlc"], str) else None
    except ValueError as error:
        raise invalid(f"{at}.hlc", str(error)) from None
    if stamp is None or stamp.node_id != operation["node_id"]:
        raise invalid(f"{at}.hlc", "must be a string ending with the operation's node_id")
    check_record(operation["collection"], operation["record_id"], at)
    if operation["kind"] not in KINDS:
        raise invalid(f"{at}.kind", f"must be one of {', '.join(KINDS)}")
    if not isinstance(operation["base"], dict):
        raise invalid(f"{at}.base", "must be an object")
    check_fields(operation["fields"], f"{at}.fields")


def check_record(collection: Any, record_id: Any, at: str) -> None:
    """A record's address: `at` prefixes the names in the errors (`` for none)."""
    check_collection(collection, at)
    if not isinstance(record_id, str) or not 0 < len(record_id) <= MAX_RECORD_ID:
        raise invalid(
            f"{at}.record_id".lstrip("."), f"must be a string of 1 to {MAX_RECORD_ID} characters"
        )


def check_collection(collection: Any, at: str) -> None:
    if not isinstance(collection, str) or not COLLECTION.fullmatch(collection):
        raise invalid(f"{at}.collection".lstrip("."), f"must match {COLLECTION.pattern}")


def check_fields(fields: Any, at: str) -> None:
    """The fields a put writes: no tombstone, and documents that are Yjs updates."""
    if not isinstance(fields, dict):
        raise invalid(at, "must be an object")
    if DELETED in fields:
        raise invalid(at, f"{DELETED} is reserved for deletes")
    for name, value in fields.items():
        problem = documents.problem(value) if documents.is_document(value) else None
        if problem is not None:
            raise invalid(f"{at}.{name}", problem)
