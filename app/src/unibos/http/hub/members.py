"""/api/members: the memberships of the caller's organization.

Reading needs any role; changing needs admin, and anything that touches an owner needs
owner. The rules every change keeps (the user limit, a last owner) are
unibos.identity.members (`rules` here, beside the views named members).
"""

from django.http import HttpRequest, HttpResponse, JsonResponse

from unibos.http import openapi
from unibos.http.contract import body, endpoint
from unibos.http.errors import LIMIT_ERROR, ApiError, limit_exceeded, not_found
from unibos.http.hub import representations
from unibos.http.hub.auth import Caller, authenticated
from unibos.identity import limits
from unibos.identity import members as rules
from unibos.identity.models import Membership, User

ROLES = [choice.value for choice in Membership.Role]
OWNER = Membership.Role.OWNER

MEMBERS = {
    "type": "object",
    "required": ["members"],
    "properties": {"members": {"type": "array", "items": representations.MEMBER}},
}
ADD = {
    "type": "object",
    "required": ["username", "role"],
    "additionalProperties": False,
    "properties": {"username": openapi.text(150), "role": representations.ROLE},
}
CHANGE = {
    "type": "object",
    "required": ["role"],
    "additionalProperties": False,
    "properties": {"role": representations.ROLE},
}
ERRORS = {401: openapi.ERROR, 403: openapi.ERROR}


@openapi.operation(
    "GET",
    summary="The organization's members",
    auth="bearer",
    responses={200: MEMBERS, **ERRORS},
)
@openapi.operation(
    "POST",
    summary="Add a user to the organization (admin or owner; owner to add an owner)",
    auth="bearer",
    request=ADD,
    responses={
        201: representations.MEMBER,
        400: openapi.ERROR,
        404: {**openapi.ERROR, "description": "no active user has that username"},
        409: LIMIT_ERROR,
        **ERRORS,
    },
)
@endpoint("GET", "POST")
@authenticated()
def members(request: HttpRequest, caller: Caller) -> JsonResponse:
    if request.method == "POST":
        return _add(request, caller)
    listed = Membership.objects.select_related("user", "organization")
    return JsonResponse({"members": [representations.member(m) for m in listed]})


def _add(request: HttpRequest, caller: Caller) -> JsonResponse:
    caller.require("admin")
    adding = body(request)
    username, role = adding["username"], adding["role"]
    if role == OWNER:
        caller.require(OWNER)
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        # The request is well formed (400 is for that); the user it names does not exist.
        raise ApiError(404, "not_found", f"username: no user named {username!r}", field="username")
    try:
        membership = rules.add(caller.organization, user, role)
    except limits.LimitExceeded as error:
        raise limit_exceeded(error) from None
    except rules.MembershipRefused as error:
        raise refused(error) from None
    return JsonResponse(representations.member(membership), status=201)


def refused(error: rules.MembershipRefused) -> ApiError:
    return ApiError(409, error.code, str(error))


@openapi.operation(
    "GET",
    summary="One membership",
    auth="bearer",
    path={"member_id": openapi.ID},
    responses={200: representations.MEMBER, 404: openapi.ERROR, **ERRORS},
)
@openapi.operation(
    "PATCH",
    summary="Change a member's role (admin or owner; owner for anything owner)",
    auth="bearer",
    path={"member_id": openapi.ID},
    request=CHANGE,
    responses={
        200: representations.MEMBER,
        400: openapi.ERROR,
        404: openapi.ERROR,
        409: openapi.ERROR,
        **ERRORS,
    },
)
@openapi.operation(
    "DELETE",
    summary="Remove a member (admin or owner; owner to remove an owner)",
    auth="bearer",
    path={"member_id": openapi.ID},
    responses={204: None, 404: openapi.ERROR, 409: openapi.ERROR, **ERRORS},
)
@endpoint("GET", "PATCH", "DELETE")
@authenticated()
def member(request: HttpRequest, caller: Caller, member_id: int) -> HttpResponse:
    found = Membership.objects.select_related("user", "organization").filter(pk=member_id)
    membership = found.first()
    if membership is None:
        raise not_found(f"member {member_id}")
    if request.method == "GET":
        return JsonResponse(representations.member(membership))
    caller.require("admin")
    if membership.role == OWNER:
        caller.require(OWNER)
    try:
        if request.method == "DELETE":
            rules.remove(membership)
            return HttpResponse(status=204)
        role = body(request)["role"]
        if role == OWNER:
            caller.require(OWNER)
        rules.change_role(membership, role)
    except rules.MembershipRefused as error:
        raise refused(error) from None
    return JsonResponse(representations.member(membership))
