"""The node's record API: what the node's users read and write, offline or not.

Every write goes through the sync store, so it commits with its operation-log entry and
reaches the hub at the next sync. Reading needs any role of the node's organization,
writing `member` or higher.
"""

import base64
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from unibos.http import openapi
from unibos.http.contract import body, endpoint, query
from unibos.http.errors import ApiError, invalid, not_found
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
    "properties": {"fields": {**batch.FIELDS, "minProperties": 1}},
}
RECORD_PATH = {"collection": batch.COLLECTION, "record_id": batch.RECORD_ID}
DOCUMENT_PATH = {**RECORD_PATH, "field": batch.FIELD_NAME}
PAGING = {
    "after": {"type": "string", "default": "", "description": "the last record_id of a page"},
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": PAGE},
}
# At most this far into a document's text: the store's positions are 32-bit.
MAX_POSITION = 2**31
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
        "update": {
            "type": "string",
            "pattern": "^[A-Za-z0-9+/]*={0,2}$",
            "description": "base64 Yjs update",
        },
        # 0 when not given; no schema default, which would count as given to the `if`.
        "at": {"type": "integer", "minimum": 0, "maximum": MAX_POSITION},
        "delete": {"type": "integer", "minimum": 0, "maximum": MAX_POSITION},
        "insert": {"type": "string"},
    },
    "if": {"required": ["update"]},
    "then": {"properties": {"at": False, "delete": False, "insert": False}},
    "else": {
        "anyOf": [
            {"required": ["insert"], "properties": {"insert": {"minLength": 1}}},
            {"required": ["delete"], "properties": {"delete": {"minimum": 1}}},
        ],
        "description": "an edit is an update, or a splice that deletes or inserts",
    },
}


def _record(collection: str, record_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"collection": collection, "record_id": record_id, "fields": fields}


@openapi.operation(
    summary="A collection's records, by id, a page at a time",
    auth="bearer",
    path={"collection": batch.COLLECTION},
    query=PAGING,
    responses={200: RECORDS, **ERRORS},
)
@endpoint("GET")
@authenticated
def collection(request: HttpRequest, caller: Caller, collection: str) -> JsonResponse:
    paging = query(request)
    after, limit = paging["after"], paging["limit"]
    with SyncStore.of_node(caller.identity) as store:
        found = store.records(collection, after, limit)
    return JsonResponse(
        {
            "collection": collection,
            "records": [_record(collection, key, fields) for key, fields in found.items()],
            "next": max(found) if len(found) == limit else None,
        }
    )


@openapi.operation(
    "GET",
    summary="One record",
    auth="bearer",
    path=RECORD_PATH,
    responses={200: RECORD, 404: openapi.ERROR, **ERRORS},
)
@openapi.operation(
    "PATCH",
    summary="Set some of a record's fields (a new record if there is none)",
    auth="bearer",
    path=RECORD_PATH,
    request=FIELDS,
    responses={200: RECORD, **ERRORS},
)
@openapi.operation(
    "DELETE",
    summary="Delete a record",
    auth="bearer",
    path=RECORD_PATH,
    responses={200: {"type": "object"}, 404: openapi.ERROR, **ERRORS},
)
@endpoint("GET", "PATCH", "DELETE")
@authenticated
def record(request: HttpRequest, caller: Caller, collection: str, record_id: str) -> HttpResponse:
    if request.method != "GET":
        caller.require("member")
    with SyncStore.of_node(caller.identity) as store:
        if request.method == "PATCH":
            fields = body(request)["fields"]
            _check_documents(fields)
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
    path=DOCUMENT_PATH,
    responses={200: DOCUMENT, 404: openapi.ERROR, **ERRORS},
)
@openapi.operation(
    "POST",
    summary="Edit a document field; concurrent edits from other nodes join, never conflict",
    auth="bearer",
    path=DOCUMENT_PATH,
    request=EDIT,
    responses={
        200: DOCUMENT,
        409: {**openapi.ERROR, "description": "the splice reaches past the end of the text"},
        **ERRORS,
    },
)
@endpoint("GET", "POST")
@authenticated
def document(
    request: HttpRequest, caller: Caller, collection: str, record_id: str, field: str
) -> JsonResponse:
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
    edit = body(request)
    if "update" in edit:
        # Whether base64 is a Yjs update no schema can say: the 400 names it all the same.
        problem = documents.problem({documents.KEY: edit["update"]})
        if problem is not None:
            raise invalid("update", problem.removeprefix(f"{documents.KEY}: "))
        return store.edit_document(*address, base64.b64decode(edit["update"]))
    # int(): JSON Schema counts 3.0 as the integer 3.
    at, delete = int(edit.get("at", 0)), int(edit.get("delete", 0))
    try:
        return store.splice_document(*address, at=at, delete=delete, insert=edit.get("insert", ""))
    except ValueError as error:
        # A well-formed splice that does not fit the text as it is now.
        field, _, problem = str(error).partition(": ")
        raise ApiError(409, "conflict", f"{field}: {problem}", field=field) from None


def _check_documents(fields: dict[str, Any]) -> None:
    try:
        batch.check_documents(fields, "fields")
    except batch.MalformedBatch as refusal:
        raise invalid(refusal.field, refusal.problem) from None
