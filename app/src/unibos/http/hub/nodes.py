"""/api/nodes: the node registry of the caller's organization; revoking a node."""

import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse

from unibos.http import openapi
from unibos.http.contract import endpoint
from unibos.http.errors import not_found
from unibos.http.hub import representations
from unibos.http.hub.auth import Caller, authenticated
from unibos.identity import enrolment
from unibos.identity.models import Node

NODES = {
    "type": "object",
    "required": ["nodes"],
    "properties": {"nodes": {"type": "array", "items": representations.NODE}},
}
ERRORS = {401: openapi.ERROR, 403: openapi.ERROR}


@openapi.operation(
    summary="The organization's nodes: version, last contact, revoked",
    auth="bearer",
    responses={200: NODES, **ERRORS},
)
@endpoint("GET")
@authenticated()
def nodes(request: HttpRequest, caller: Caller) -> JsonResponse:
    listed = Node.objects.select_related("organization")
    return JsonResponse({"nodes": [representations.node(node) for node in listed]})


@openapi.operation(
    "GET",
    summary="One node of the organization",
    auth="bearer",
    responses={200: representations.NODE, 404: openapi.ERROR, **ERRORS},
)
@openapi.operation(
    "DELETE",
    summary="Revoke a node: its credential and tokens stop working (admin or owner)",
    auth="bearer",
    responses={204: None, 404: openapi.ERROR, **ERRORS},
)
@endpoint("GET", "DELETE")
@authenticated()
def node(request: HttpRequest, caller: Caller, node_id: uuid.UUID) -> HttpResponse:
    found = Node.objects.select_related("organization").filter(pk=node_id).first()
    if found is None:
        raise not_found(f"node {node_id}")
    if request.method == "DELETE":
        caller.require("admin")
        enrolment.revoke(found)
        return HttpResponse(status=204)
    return JsonResponse(representations.node(found))
