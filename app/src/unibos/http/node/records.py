"""The node's record API: what the node's users read and write, offline or not.

Every write goes through the sync store, so it commits with its operation-log entry and
reaches the hub at the next sync. Reading needs any role of the node's organization,
writing `member` or higher.
"""

import base64
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from unibos.http import openapi
from unibos.http.body import Body, invalid
from unibos.http.errors import endpoint, not_found
from unibos.http.node.auth import Caller, authenticated
from unibos.node.sync.store import SyncStore
from unibos.sync import batch, documents

ERRORS = {400: openapi.ERROR, 401: openapi.ERROR, 403: openapi.ERROR, 503: openapi.ERROR}
PAGE = 500
MAX_PAGE = 5000

RECORD = {
    "type": "object",
    "required": ["collection", "record_id", "fields"],
    "properties": {
        "collection": {"type": "string"},
        "record_id": {"type": "string"},
        "fields": {
            "type": "object",
            "description": 'a document field is {"$crdt": "<base64 Yjs update>"}',
        },
        "seq": {"type": "integer", "description": "the operation of this write"},
    },
}
RECORDS = {
    "type": "object",
    "required": ["collection", "records", "next"],
    "properties": {
        "collection": {"type": "string"},
        "records": {"type": "array", "items": RECORD},
        "next": {"type": ["string", "null"], "description": "`after` for the next page"},
    },
}
FIELDS = {
    "type": "object",
    "required": ["fields"],
    "additionalProperties": False,
    "properties": {"fields": {"type": "object"}},
}
DOCUMENT = {
    "type": "object",
    "required": ["state", "text"],
    "properties": {
        "state": {"type": "string", "description": "base64 Yjs update: the whole document"},
        "text": {"type": "string", "description": "the document's root text `text`"},
        "seq": {"type": "integer"},
    },
}
EDIT = {
    "type": "object",
    "additionalProperties": False,
    "description": "either `update` (from a Yjs editor) or a splice of the text",
    "properties": {
        "update": {"type": "string", "description": "base64 Yjs update"},
        "at": {"type": "integer", "minimum": 0},
        "delete": {"type": "integer", "minimum": 0},
        "insert": {"type": "string"},
    },
}


def _record(collection: str, record_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"collection": collection, "record_id": record_id, "fields": fields}


@openapi.operation(
    summary="A collection's records, by id, a page at a time",
    auth="bearer",
    responses={200: RECORDS, **ERRORS},
)
@endpoint("GET")
@authenticated
def collection(request: HttpRequest, caller: Caller, collection: str) -> JsonResponse:
    batch.check_collection(collection, "")
    after = request.GET.get("after", "")
    limit = _limit(request.GET.get("limit", str(PAGE)))
    with SyncStore.of_node(caller.identity) as store:
        found = store.records(collection, after, limit)
    return JsonResponse(
        {
            "collection": collection,
            "records": [_record(collection, key, fields) for key, fields in found.items()],
            "next": max(found) if len(found) == limit else None,
        }
    )


def _limit(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise invalid("limit", f"must be an integer from 1 to {MAX_PAGE}")
    return int(value)


@openapi.operation(
    "GET",
    summary="One record",
    auth="bearer",
    responses={200: RECORD, 404: openapi.ERROR, **ERRORS},
)
@openapi.operation(
    "PATCH",
    summary="Set some of a record's fields (a new record if there is none)",
    auth="bearer",
    request=FIELDS,
    responses={200: RECORD, **ERRORS},
)
@openapi.operation(
    "DELETE",
    summary="Delete a record",
    auth="bearer",
    responses={200: {"type": "object"}, 404: openapi.ERROR, **ERRORS},
)
@endpoint("GET", "PATCH", "DELETE")
@authenticated
def record(request: HttpRequest, caller: Caller, collection: str, record_id: str) -> HttpResponse:
    batch.check_record(collection, record_id, "")
    if request.method != "GET":
        caller.require("member")
    with SyncStore.of_node(caller.identity) as store:
        if request.method == "PATCH":
            fields = Body(request, ("fields",)).document.get("fields")
            batch.check_fields(fields, "fields")
            if not fields:
                raise invalid("fields", "must name at least one field")
            operation = store.put(collection, record_id, fields)
        else:
            if store.get(collection, record_id) is None:
                raise not_found(f"record {collection}/{record_id}")
            operation = store.delete(collection, record_id) if request.method == "DELETE" else None
        current = store.get(collection, record_id)
    answer = _record(collection, record_id, current or {})
    if operation is not None:
        answer["seq"] = operation["seq"]
    return JsonResponse(answer)


@openapi.operation(
    "GET",
    summary="A document field: its whole state and its text",
    auth="bearer",
    responses={200: DOCUMENT, 404: openapi.ERROR, **ERRORS},
)
@openapi.operation(
    "POST",
    summary="Edit a document field; concurrent edits from other nodes join, never conflict",
    auth="bearer",
    request=EDIT,
    responses={200: DOCUMENT, **ERRORS},
)
@endpoint("GET", "POST")
@authenticated
def document(
    request: HttpRequest, caller: Caller, collection: str, record_id: str, field: str
) -> JsonResponse:
    batch.check_record(collection, record_id, "")
    if request.method == "POST":
        caller.require("member")
    with SyncStore.of_node(caller.identity) as store:
        operation = _edit(request, store, (collection, record_id, field))
        value = (store.get(collection, record_id) or {}).get(field)
    if not documents.is_document(value):
        raise not_found(f"document {collection}/{record_id}/{field}")
    answer: dict[str, Any] = {"state": value["$crdt"], "text": documents.text(value)}
    if operation is not None:
        answer["seq"] = operation["seq"]
    return JsonResponse(answer)


def _edit(
    request: HttpRequest, store: SyncStore, address: tuple[str, str, str]
) -> dict[str, Any] | None:
    """The operation of a POST's edit, None for a GET."""
    if request.method != "POST":
        return None
    body = Body(request, ("update", "at", "delete", "insert"))
    if "update" in body:
        if len(body.document) > 1:
            raise invalid("update", "comes alone, without a splice's at, delete or insert")
        update = body.document["update"]
        if not isinstance(update, str):
            raise invalid("update", "must be a base64 string")
        problem = documents.problem({documents.KEY: update})
        if problem is not None:
            raise invalid("update", problem.removeprefix(f"{documents.KEY}: "))
        return store.edit_document(*address, base64.b64decode(update))
    at = body.integer("at", default=0, minimum=0, maximum=2**31)
    delete = body.integer("delete", default=0, minimum=0, maximum=2**31)
    insert = body.document.get("insert", "")
    if not isinstance(insert, str):
        raise invalid("insert", "must be a string")
    if not (delete or insert):
        raise invalid("body", "an edit is an update, or a splice that deletes or inserts")
    try:
        return store.splice_document(*address, at=at, delete=delete, insert=insert)
    except ValueError as error:
        field, _, problem = str(error).partition(": ")
        raise invalid(field, problem) from None
