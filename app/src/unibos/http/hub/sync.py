"""The hub's sync API: push, the change feed, conflicts (docs/architecture.md)."""

import gzip

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

from unibos.http import openapi
from unibos.http.body import Body, invalid
from unibos.http.conflicts import CONFLICT, CONFLICTS, RESOLVE, resolution
from unibos.http.errors import ApiError, endpoint, not_found
from unibos.http.hub.auth import Caller, authenticated
from unibos.hub.sync import ledger
from unibos.hub.sync.models import SyncConflict
from unibos.sync import batch

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
PUSH = {
    "type": "object",
    "required": sorted(batch.BATCH_FIELDS),
    "additionalProperties": False,
    "properties": {
        "node_id": {"type": "string", "format": "uuid"},
        "organization": {"type": "integer"},
        "operations": {"type": "array", "items": OPERATION},
    },
}
PUSHED = {
    "type": "object",
    "required": ["applied", "skipped", "high_water", "conflicts"],
    "properties": {
        name: {"type": "integer"} for name in ("applied", "skipped", "high_water", "conflicts")
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


@openapi.operation(
    summary="Apply a batch of this node's operations, exactly once",
    description="gzip JSON (Content-Encoding: gzip). Refused whole, nothing applied: "
    "400 bad shape, 403 another node's or organization's, 409 out_of_order, 413 too large.",
    auth="bearer",
    request=PUSH,
    responses={200: PUSHED, 400: openapi.ERROR, 409: openapi.ERROR, 413: openapi.ERROR, **ERRORS},
)
@endpoint("POST")
@authenticated(subjects=("node",))
def push(request: HttpRequest, caller: Caller) -> JsonResponse:
    node_id = str(caller.node.pk)
    try:
        body = request.body
    except RequestDataTooBig:
        raise ApiError(
            413, "too_large", "body: larger than the hub accepts compressed", field="body"
        ) from None
    content = batch.decompress(
        body,
        request.headers.get("Content-Encoding", "").strip().lower(),
        settings.UNIBOS_SYNC_MAX_BATCH_BYTES,
    )
    operations = batch.parse(
        content,
        node_id=node_id,
        organization=caller.organization.pk,
        max_operations=settings.UNIBOS_SYNC_MAX_BATCH,
    )
    try:
        applied = ledger.apply(caller.organization.pk, node_id, operations)
    except ledger.OutOfOrder as error:
        raise ApiError(
            409, "out_of_order", f"operations: {error}", expected=error.expected
        ) from None
    return JsonResponse(
        {
            "applied": applied.applied,
            "skipped": applied.skipped,
            "high_water": applied.high_water,
            "conflicts": applied.conflicts,
        }
    )


@openapi.operation(
    summary="The organization's operations after a cursor, except the caller's own",
    auth="bearer",
    responses={200: CHANGES, 400: openapi.ERROR, **ERRORS},
)
@endpoint("GET")
@authenticated(subjects=("node", "user"))
def changes(request: HttpRequest, caller: Caller) -> HttpResponse:
    after = _number(request, "after", 0, 0, 2**63 - 1)
    limit = _number(request, "limit", MAX_PAGE, 1, MAX_PAGE)
    page = ledger.changes(str(caller.node.pk) if caller.node else None, after, limit)
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
    responses={200: CONFLICT, 400: openapi.ERROR, 404: openapi.ERROR, **ERRORS},
)
@endpoint("POST")
@authenticated()
def resolve(request: HttpRequest, caller: Caller, conflict_id: int) -> JsonResponse:
    caller.require("member")
    keep, value = resolution(Body(request, ("keep", "value")))
    resolved = ledger.resolve(conflict_id, keep, value)
    if resolved is None:
        raise not_found(f"conflict {conflict_id}")
    return JsonResponse(ledger.conflict_document(resolved))


def _number(request: HttpRequest, name: str, default: int, minimum: int, maximum: int) -> int:
    text = request.GET.get(name, str(default))
    if not text.isascii() or not text.isdigit() or not minimum <= int(text) <= maximum:
        raise invalid(name, f"must be an integer between {minimum} and {maximum}")
    return int(text)


def _maybe_gzip(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response.content = gzip.compress(response.content, compresslevel=5)
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    return response
