"""GET and PATCH /api/organization: the token's organization, never another."""

from typing import Any

from django.http import HttpRequest, JsonResponse

from unibos.http import openapi
from unibos.http.contract import body, endpoint
from unibos.http.hub import representations
from unibos.http.hub.auth import Caller, authenticated
from unibos.identity.limits import LIMITS
from unibos.identity.models import Organization

MODULE_PATTERN = r"[a-z][a-z0-9_-]{0,49}"
MAX_MODULES = 100

ORGANIZATION = {
    "type": "object",
    "required": ["id", "slug", "name", "type", "plan", "limits", "usage", "modules"],
    "properties": {
        **representations.ORGANIZATION["properties"],
        "type": {"enum": [choice.value for choice in Organization.Type]},
        "plan": {"enum": [choice.value for choice in Organization.Plan]},
        "limits": {
            "type": "object",
            "properties": {limit: {"type": "integer"} for limit in LIMITS},
        },
        "usage": {
            "type": "object",
            "properties": {"users": {"type": "integer"}, "nodes": {"type": "integer"}},
        },
        "modules": {"type": "array", "items": {"type": "string"}},
        "created_at": representations.TIMESTAMP,
    },
}
CHANGE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": openapi.text(200),
        "modules": {
            "type": "array",
            "items": {"type": "string", "pattern": f"^{MODULE_PATTERN}$"},
            "maxItems": MAX_MODULES,
        },
    },
}
ERRORS = {400: openapi.ERROR, 401: openapi.ERROR, 403: openapi.ERROR}


def _document(organization: Organization) -> dict[str, Any]:
    return {
        **representations.organization(organization),
        "type": organization.type,
        "plan": organization.plan,
        "limits": {limit: getattr(organization, limit) for limit in LIMITS},
        "usage": {
            "users": organization.memberships.count(),
            "nodes": organization.nodes.filter(revoked_at__isnull=True).count(),
        },
        "modules": organization.modules,
        "created_at": representations.timestamp(organization.created_at),
    }


@openapi.operation(
    "GET",
    summary="The caller's organization: plan, limits, usage, modules",
    auth="bearer",
    responses={200: ORGANIZATION, 401: openapi.ERROR, 403: openapi.ERROR},
)
@openapi.operation(
    "PATCH",
    summary="Rename the organization or change its modules (admin or owner)",
    auth="bearer",
    request=CHANGE,
    responses={200: ORGANIZATION, **ERRORS},
)
@endpoint("GET", "PATCH")
@authenticated()
def organization(request: HttpRequest, caller: Caller) -> JsonResponse:
    current = caller.organization
    if request.method == "PATCH":
        caller.require("admin")
        change = body(request)
        changed = []
        if "name" in change:
            current.name = change["name"]
            changed.append("name")
        if "modules" in change:
            # Named once each, in the order given.
            current.modules = list(dict.fromkeys(change["modules"]))
            changed.append("modules")
        current.save(update_fields=changed)
    return JsonResponse(_document(current))
