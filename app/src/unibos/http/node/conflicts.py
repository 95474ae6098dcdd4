"""The node's conflict API: the same documents as the hub's, from the node's store."""

from django.http import HttpRequest, JsonResponse

from unibos.http import openapi
from unibos.http.conflicts import CONFLICT, CONFLICTS, RESOLVE, resolution
from unibos.http.contract import body, endpoint
from unibos.http.errors import not_found
from unibos.http.node.auth import Caller, authenticated
from unibos.node.sync.store import SyncStore

ERRORS = {401: openapi.ERROR, 403: openapi.ERROR, 503: openapi.ERROR}


@openapi.operation(
    summary="This node's sync conflicts",
    auth="bearer",
    responses={200: CONFLICTS, **ERRORS},
)
@endpoint("GET")
@authenticated
def conflicts(request: HttpRequest, caller: Caller) -> JsonResponse:
    with SyncStore.of_node(caller.identity) as store:
        return JsonResponse({"conflicts": store.conflicts()})


@openapi.operation(
    summary="Resolve a conflict on this node; a write syncs to the hub like any other",
    auth="bearer",
    request=RESOLVE,
    path={"conflict_id": openapi.ID},
    responses={200: CONFLICT, 400: openapi.ERROR, 404: openapi.ERROR, **ERRORS},
)
@endpoint("POST")
@authenticated
def resolve(request: HttpRequest, caller: Caller, conflict_id: int) -> JsonResponse:
    caller.require("member")
    keep, value = resolution(body(request))
    with SyncStore.of_node(caller.identity) as store:
        resolved = store.resolve(conflict_id, keep, value)
    if resolved is None:
        raise not_found(f"conflict {conflict_id}")
    return JsonResponse(resolved)
