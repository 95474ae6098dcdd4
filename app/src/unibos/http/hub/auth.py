"""Bearer authentication: who is calling, as what, on behalf of which organization.

`authenticated` verifies the JWT against the hub's published keys, then asks the
database again whether its subject still may act (a token outlives a removed member
or a revoked node), and runs the view inside tenancy.scope(the token's organization).

401 (with `WWW-Authenticate: Bearer error="invalid_token"`): no token, or one that does
not verify. 403: a valid token whose subject may no longer act, or whose role is too low.
"""

import functools
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from unibos.http.bearer import bearer_token, require_role, unauthorized
from unibos.http.errors import ApiError
from unibos.identity import keys, tenancy, tokens
from unibos.identity.models import Membership, Node, Organization, User


@dataclass(frozen=True)
class Caller:
    claims: tokens.Claims
    organization: Organization
    # The role the database gives the subject now, not the one in the token.
    role: str
    membership: Membership | None = None
    node: Node | None = None

    @property
    def user(self) -> User | None:
        return self.membership.user if self.membership else None

    def require(self, role: str) -> None:
        require_role(self.role, role)


def authenticated(
    subjects: Collection[str] = ("user",),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """The view gets the Caller after the request; `subjects`: the token kinds it accepts."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            claims = _claims(request)
            if claims.kind not in subjects:
                raise ApiError(
                    403,
                    "forbidden",
                    f"this needs a {' or '.join(subjects)} token, not a {claims.kind} token",
                )
            with tenancy.scope(claims.organization):
                return view(request, _caller(claims), *args, **kwargs)

        return wrapper

    return decorate


def _claims(request: HttpRequest) -> tokens.Claims:
    token = bearer_token(request)
    try:
        return tokens.verify(
            token,
            keys.verification_keys(),
            issuer=settings.UNIBOS_JWT_ISSUER,
        )
    except tokens.TokenError as error:
        raise unauthorized(str(error)) from None


def _caller(claims: tokens.Claims) -> Caller:
    """Inside the token's organization: whether the subject may still act, and as what."""
    if claims.kind == "node":
        node = Node.objects.select_related("organization").filter(pk=_uuid(claims)).first()
        if node is None or node.revoked_at is not None:
            raise ApiError(
                403,
                "forbidden",
                f"node {claims.subject_id} is revoked or not in organization {claims.organization}",
            )
        return Caller(claims, node.organization, "node", node=node)
    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(user_id=_user_id(claims), user__is_active=True)
        .first()
    )
    if membership is None:
        raise ApiError(
            403,
            "forbidden",
            f"user {claims.subject_id} is no longer a member of organization {claims.organization}",
        )
    return Caller(claims, membership.organization, membership.role, membership=membership)


def _user_id(claims: tokens.Claims) -> int:
    if not (claims.subject_id.isascii() and claims.subject_id.isdigit()):
        raise unauthorized("token subject is not user:<id>")
    return int(claims.subject_id)


def _uuid(claims: tokens.Claims) -> uuid.UUID:
    try:
        return uuid.UUID(claims.subject_id)
    except ValueError:
        raise unauthorized("token subject is not node:<uuid>") from None
