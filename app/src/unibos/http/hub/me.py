"""GET /api/me: who the token speaks for, in which organization, as what."""

from django.http import HttpRequest, JsonResponse

from unibos.http import openapi
from unibos.http.contract import endpoint
from unibos.http.hub import representations
from unibos.http.hub.auth import Caller, authenticated

ME = {
    "type": "object",
    "required": ["organization", "role"],
    "properties": {
        "user": representations.USER,
        "node": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
        },
        "organization": representations.ORGANIZATION,
        "role": {"type": "string"},
    },
}


@openapi.operation(
    summary="The caller: a user (or a node), its organization and role",
    auth="bearer",
    responses={200: ME, 401: openapi.ERROR, 403: openapi.ERROR},
)
@endpoint("GET")
@authenticated(subjects=("user", "node"))
def me(request: HttpRequest, caller: Caller) -> JsonResponse:
    document = {
        "organization": representations.organization(caller.organization),
        "role": caller.role,
    }
    if caller.node is not None:
        document["node"] = {"id": str(caller.node.pk), "name": caller.node.name}
    else:
        document["user"] = representations.user(caller.user)
    return JsonResponse(document)
