"""The node's API: log in, who am I, this node and its hub (docs/architecture.md)."""

from django.http import HttpRequest, JsonResponse

from unibos.http import openapi
from unibos.http.bearer import ORGANIZATION, TOKEN, unauthorized
from unibos.http.contract import body, endpoint
from unibos.http.errors import ApiError
from unibos.http.node.auth import Caller, authenticated, enrolled
from unibos.node import connection
from unibos.node.login import LoginRefused, login
from unibos.node.models import CachedCredential

LOGIN = {
    "type": "object",
    "required": ["username", "password"],
    "additionalProperties": False,
    "properties": {"username": openapi.text(150), "password": openapi.text(4096)},
}
ME = {
    "type": "object",
    "required": ["user", "organization", "role"],
    "properties": {
        "user": {
            "type": "object",
            "required": ["id", "username", "email"],
            "description": "username and email are null for a user who never logged in here",
            "properties": {
                "id": {"type": "integer"},
                "username": {"type": ["string", "null"]},
                "email": {"type": ["string", "null"]},
            },
        },
        "organization": ORGANIZATION,
        "role": {"type": "string"},
    },
}
NODE = {
    "type": "object",
    "required": ["node_id", "name", "organization", "hub"],
    "properties": {
        "node_id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "organization": ORGANIZATION,
        "hub": {
            "type": "object",
            "required": ["url", "state", "reason", "last_contact_at", "jwks_fetched_at", "kids"],
            "properties": {
                "url": {"type": "string"},
                "state": {"enum": [connection.ONLINE, connection.OFFLINE]},
                "reason": {"type": ["string", "null"], "description": "why offline"},
                "last_contact_at": openapi.OPTIONAL_TIMESTAMP,
                "jwks_fetched_at": openapi.OPTIONAL_TIMESTAMP,
                "kids": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}
ERRORS = {401: openapi.ERROR, 403: openapi.ERROR, 503: openapi.ERROR}


@openapi.operation(
    summary="Log in on this node",
    description="Through the hub when it answers (the login is then cached here); with "
    "the hub unreachable, from that cache, as a token only this node accepts.",
    request=LOGIN,
    responses={200: TOKEN, 400: openapi.ERROR, **ERRORS},
)
@endpoint("POST")
def token(request: HttpRequest) -> JsonResponse:
    credentials = body(request)
    username, password = credentials["username"], credentials["password"]
    config, _ = enrolled()
    try:
        result = login(config, username, password)
    except LoginRefused as refusal:
        raise ApiError(refusal.status, refusal.error, refusal.detail) from None
    return JsonResponse(result.token)


@openapi.operation(
    summary="The caller: a user, this node's organization and the token's role",
    auth="bearer",
    responses={200: ME, **ERRORS},
)
@endpoint("GET")
@authenticated
def me(request: HttpRequest, caller: Caller) -> JsonResponse:
    claims = caller.claims
    if claims.kind != "user":
        raise ApiError(403, "forbidden", f"this needs a user token, not a {claims.kind} token")
    if not (claims.subject_id.isascii() and claims.subject_id.isdigit()):
        raise unauthorized("token subject is not user:<id>")
    cached = CachedCredential.objects.filter(
        organization_id=caller.identity.organization_id, user_id=int(claims.subject_id)
    ).first()
    return JsonResponse(
        {
            "user": {
                "id": int(claims.subject_id),
                "username": cached.username if cached else None,
                "email": cached.email if cached else None,
            },
            "organization": caller.identity.organization,
            "role": claims.role,
        }
    )


@openapi.operation(
    summary="This node, its organization and its connection to the hub",
    auth="bearer",
    responses={200: NODE, **ERRORS},
)
@endpoint("GET")
@authenticated
def node(request: HttpRequest, caller: Caller) -> JsonResponse:
    return JsonResponse(connection.describe(caller.config))
