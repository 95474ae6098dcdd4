"""The hub's sync API: push, the change feed, conflicts (docs/architecture.md)."""

import gzip

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

from unibos.http import openapi
from unibos.http.conflicts import CONFLICT, CONFLICTS, RESOLVE, resolution
from unibos.http.contract import body, endpoint, query
from unibos.http.errors import ApiError, not_found
from unibos.http.hub.auth import Caller, authenticated
from unibos.hub.sync import ledger
from unibos.hub.sync.models import SyncConflict
from unibos.sync import batch

# An operation as the change feed answers it: the operations of nodes and of the hub's
# own writes (node_id and seq null). What a push may hold is batch.BATCH.
OPERATION = {
    "type": "object",
    "required": sorted(batch.OPERATION_FIELDS),
    "properties": {
        "node_id": {"type": ["string", "null"], "format": "uuid"},
        "seq": {"type": ["integer", "null"], "minimum": 1},
        "hlc": {"type": "string", "description": "<wall_ms:013d>:<counter:05d>:<node_id>"},
        "collection": {"type": "string"},
        "record_id": {"type": "string"},
        "kind": {"enum": list(batch.KINDS)},
        "fields": {"type": "object"},
        "base": {"type": "object"},
    },
}
PUSHED = {
    "type": "object",
    "required": ["applied", "skipped", "high_water", "conflicts", "high_waters"],
    "properties": {
        **{name: {"type": "integer"} for name in ("applied", "skipped", "conflicts")},
        "high_water": {"type": "integer", "description": "the pushing node's own mark"},
        "high_waters": {
            "type": "object",
            "additionalProperties": {"type": "integer"},
            "description": "the hub's high-water mark of every origin in the batch, the "
            "pushing node's included: what it holds of each, whoever brought it",
        },
    },
}
OUT_OF_ORDER = {
    **openapi.ERROR,
    "properties": {
        **openapi.ERROR["properties"],
        "origin": {"type": "string", "description": "the node whose operations have a gap"},
        "expected": {"type": "integer", "description": "the seq of its next operation"},
    },
}
CHANGES = {
    "type": "object",
    "required": ["operations", "next", "more"],
    "properties": {
        "operations": {"type": "array", "items": OPERATION},
        "next": {"type": "integer", "description": "the cursor to ask after next time"},
        "more": {"type": "boolean"},
    },
}
ERRORS = {401: openapi.ERROR, 403: openapi.ERROR}
MAX_PAGE = 1000
CURSOR = {"after": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1, "default": 0}}
PAGE = {"limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": MAX_PAGE}}
# A refused batch: its status, and the error code of its body.
REFUSALS = {
    batch.MalformedBatch: (400, "invalid"),
    batch.ForeignBatch: (403, "forbidden"),
    batch.OversizedBatch: (413, "too_large"),
}


@openapi.operation(
    summary="Apply a batch of this node's operations, and of the nodes' of its "
    "organization that it passes on, exactly once",
    description="gzip JSON (Content-Encoding: gzip). Each origin's operations are applied "
    "in its seq order from its high-water mark, whichever node brings them; what is at or "
    "below the mark is skipped. A placeholder (`kind: placeholder`, origin and seq alone: "
    "an operation its collection's export level keeps from the hub) moves its origin's "
    "mark and counts as applied; nothing of it is stored or fed to other nodes. Refused "
    "whole, nothing applied: 400 bad shape (a full operation saying `export: peers` among "
    "them), 403 another "
    "node's batch, another organization's or an origin that is no active node of this "
    "one, 409 out_of_order (an origin's operations skip ahead of its mark), 413 too large.",
    auth="bearer",
    request=batch.BATCH,
    body_checked_by_view=True,
    responses={200: PUSHED, 400: openapi.ERROR, 409: OUT_OF_ORDER, 413: openapi.ERROR, **ERRORS},
)
@endpoint("POST")
@authenticated(subjects=("node",))
def push(request: HttpRequest, caller: Caller) -> JsonResponse:
    node_id = str(caller.node.pk)
    try:
        content = request.body
    except RequestDataTooBig:
        raise ApiError(
            413, "too_large", "body: larger than the hub accepts compressed", field="body"
        ) from None
    try:
        content = batch.decompress(
            content,
            request.headers.get("Content-Encoding", "").strip().lower(),
            settings.UNIBOS_SYNC_MAX_BATCH_BYTES,
        )
        operations = batch.parse(
            content,
            node_id=node_id,
            organization=caller.organization.pk,
            max_operations=settings.UNIBOS_SYNC_MAX_BATCH,
        )
        applied = ledger.apply(caller.organization.pk, node_id, operations)
    except batch.BatchRefused as refusal:
        status, error = REFUSALS[type(refusal)]
        raise ApiError(status, error, str(refusal), field=refusal.field) from None
    except ledger.OutOfOrder as error:
        raise ApiError(
            409,
            "out_of_order",
            f"operations: {error}",
            origin=error.origin,
            expected=error.expected,
        ) from None
    return JsonResponse(
        {
            "applied": applied.applied,
            "skipped": applied.skipped,
            "high_water": applied.high_water,
            "conflicts": applied.conflicts,
            "high_waters": applied.high_waters,
        }
    )


@openapi.operation(
    summary="The organization's operations after a cursor, except the caller's own",
    auth="bearer",
    query={**CURSOR, **PAGE},
    responses={200: CHANGES, 400: openapi.ERROR, **ERRORS},
)
@endpoint("GET")
@authenticated(subjects=("node", "user"))
def changes(request: HttpRequest, caller: Caller) -> HttpResponse:
    parameters = query(request)
    page = ledger.changes(
        str(caller.node.pk) if caller.node else None, parameters["after"], parameters["limit"]
    )
    return _maybe_gzip(request, JsonResponse(page))


@openapi.operation(
    summary="The organization's sync conflicts, unresolved first",
    auth="bearer",
    responses={200: CONFLICTS, **ERRORS},
)
@endpoint("GET")
@authenticated()
def conflicts(request: HttpRequest, caller: Caller) -> JsonResponse:
    listed = SyncConflict.objects.order_by("-resolved_at", "id")
    return JsonResponse({"conflicts": [ledger.conflict_document(c) for c in listed]})


@openapi.operation(
    summary="Resolve a conflict: keep the winner (local), the loser (remote) or a merged value",
    auth="bearer",
    request=RESOLVE,
    path={"conflict_id": openapi.ID},
    responses={200: CONFLICT, 400: openapi.ERROR, 404: openapi.ERROR, **ERRORS},
)
@endpoint("POST")
@authenticated()
def resolve(request: HttpRequest, caller: Caller, conflict_id: int) -> JsonResponse:
    caller.require("member")
    keep, value = resolution(body(request))
    resolved = ledger.resolve(conflict_id, keep, value)
    if resolved is None:
        raise not_found(f"conflict {conflict_id}")
    return JsonResponse(ledger.conflict_document(resolved))


def _maybe_gzip(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response.content = gzip.compress(response.content, compresslevel=5)
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    return response
