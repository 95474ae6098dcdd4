"""POST /api/auth/token (a user logs in) and POST /api/nodes/token (a node does)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, JsonResponse

from unibos.http import openapi
from unibos.http.bearer import TOKEN
from unibos.http.contract import body, endpoint
from unibos.http.errors import ApiError
from unibos.http.hub import representations
from unibos.identity import enrolment, keys, tenancy, tokens
from unibos.identity.models import Membership, Organization

LOGIN = {
    "type": "object",
    "required": ["username", "password", "organization"],
    "additionalProperties": False,
    "properties": {
        "username": openapi.text(150),
        "password": openapi.text(4096),
        "organization": openapi.text(50, description="the organization's slug"),
    },
}
NODE_LOGIN = {
    "type": "object",
    "required": ["node_id", "credential", "version"],
    "additionalProperties": False,
    "properties": {
        "node_id": {"type": "string", "format": "uuid"},
        "credential": openapi.text(100),
        "version": openapi.text(50),
    },
}
ERRORS = {400: openapi.ERROR, 401: openapi.ERROR, 403: openapi.ERROR, 503: openapi.ERROR}


def access_token(subject: str, organization: Organization, role: str, ttl: int) -> dict[str, Any]:
    try:
        kid, private_key = keys.signing_key()
    except keys.NoSigningKey as error:
        raise ApiError(503, "unavailable", str(error)) from None
    token = tokens.issue(
        private_key,
        kid,
        issuer=settings.UNIBOS_JWT_ISSUER,
        subject=subject,
        organization=organization.pk,
        role=role,
        ttl_seconds=ttl,
    )
    return tokens.grant(token, ttl, representations.organization(organization), role)


@openapi.operation(
    summary="Log in to an organization: a user access token",
    request=LOGIN,
    responses={200: TOKEN, **ERRORS},
)
@endpoint("POST")
def user_token(request: HttpRequest) -> JsonResponse:
    login = body(request)
    username, password, slug = login["username"], login["password"], login["organization"]
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ApiError(401, "invalid_credentials", "username or password is wrong")
    organization = Organization.objects.filter(slug=slug).first()
    membership = None
    if organization is not None:
        with tenancy.scope(organization.pk):
            membership = Membership.objects.filter(user=user).first()
    if organization is None or membership is None:
        # An unknown organization answers as one the user is not in: no enumeration.
        raise ApiError(
            403, "forbidden", f"user {username!r} is not a member of organization {slug!r}"
        )
    return JsonResponse(
        access_token(
            f"user:{user.pk}", organization, membership.role, settings.UNIBOS_ACCESS_TOKEN_TTL
        )
    )


@openapi.operation(
    summary="A node access token for a node's credential; records its version and contact",
    request=NODE_LOGIN,
    responses={200: TOKEN, **ERRORS},
)
@endpoint("POST")
def node_token(request: HttpRequest) -> JsonResponse:
    login = body(request)
    node_id, credential, version = login["node_id"], login["credential"], login["version"]
    try:
        node = enrolment.authenticate_node(node_id, credential, version)
    except enrolment.NodeRevoked as error:
        raise ApiError(403, "forbidden", str(error)) from None
    except enrolment.EnrolmentRefused as error:
        raise ApiError(401, "invalid_credentials", str(error)) from None
    return JsonResponse(
        access_token(f"node:{node.pk}", node.organization, "node", settings.UNIBOS_NODE_TOKEN_TTL)
    )
