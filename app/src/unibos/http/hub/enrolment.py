"""Enrolment: an admin makes a one-time token, a node spends it on its own credential."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from unibos.http import openapi
from unibos.http.contract import body, endpoint
from unibos.http.errors import LIMIT_ERROR, ApiError, limit_exceeded
from unibos.http.hub import representations
from unibos.http.hub.auth import Caller, authenticated
from unibos.identity import enrolment, limits

MIN_TTL_SECONDS = 60
MAX_TTL_SECONDS = 7 * 24 * 3600

CREATE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "ttl_seconds": {
            "type": "integer",
            "minimum": MIN_TTL_SECONDS,
            "maximum": MAX_TTL_SECONDS,
            "default": enrolment.DEFAULT_TTL_SECONDS,
        }
    },
}
CREATED = {
    "type": "object",
    "required": ["token", "expires_at"],
    "properties": {"token": {"type": "string"}, "expires_at": representations.TIMESTAMP},
}
ENROL = {
    "type": "object",
    "required": ["token", "name", "version"],
    "additionalProperties": False,
    "properties": {
        "token": openapi.text(100),
        "name": openapi.text(100),
        "version": openapi.text(50),
        "organization": {
            **openapi.text(50),
            "type": ["string", "null"],
            "description": "the organization's slug; must be the token's, if given",
        },
    },
}
ENROLLED = {
    "type": "object",
    "required": ["node_id", "credential", "organization", "issuer", "jwks_url"],
    "properties": {
        "node_id": {"type": "string", "format": "uuid"},
        "credential": {"type": "string"},
        "organization": representations.ORGANIZATION,
        "issuer": {"type": "string"},
        "jwks_url": {"type": "string", "format": "uri"},
    },
}


@openapi.operation(
    summary="A one-time enrolment token into the organization (admin or owner), shown once",
    auth="bearer",
    request=CREATE,
    responses={201: CREATED, 400: openapi.ERROR, 401: openapi.ERROR, 403: openapi.ERROR},
)
@endpoint("POST")
@authenticated()
def enrolment_tokens(request: HttpRequest, caller: Caller) -> JsonResponse:
    caller.require("admin")
    # int(): JSON Schema counts 60.0 as the integer 60.
    ttl = int(body(request)["ttl_seconds"])
    secret, token = enrolment.create_token(caller.organization, caller.user, ttl)
    return JsonResponse(
        {"token": secret, "expires_at": representations.timestamp(token.expires_at)}, status=201
    )


@openapi.operation(
    summary="Enrol a node with an enrolment token: its id and credential, shown once",
    request=ENROL,
    responses={201: ENROLLED, 400: openapi.ERROR, 403: openapi.ERROR, 409: LIMIT_ERROR},
)
@endpoint("POST")
def enrol(request: HttpRequest) -> JsonResponse:
    enrolling = body(request)
    secret, name, version = enrolling["token"], enrolling["name"], enrolling["version"]
    slug = enrolling.get("organization")
    try:
        node, credential = enrolment.enrol(secret, name, version, slug)
    except enrolment.EnrolmentRefused as error:
        raise ApiError(403, "enrolment_refused", str(error)) from None
    except limits.LimitExceeded as error:
        raise limit_exceeded(error) from None
    return JsonResponse(
        {
            "node_id": str(node.pk),
            "credential": credential,
            "organization": representations.organization(node.organization),
            "issuer": settings.UNIBOS_JWT_ISSUER,
            "jwks_url": request.build_absolute_uri(reverse("jwks")),
        },
        status=201,
    )
