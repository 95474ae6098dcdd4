"""Bearer tokens as both APIs hand them out and refuse them: the token grant document
(TOKEN, as unibos.identity.tokens.grant makes it) and its organization's shape, the
`Authorization: Bearer` header, the order of the roles, and the 401 of a bad token.

The hub's API (unibos.http.hub) and the node's (unibos.http.node) build on it. It uses
no model, so that a node, whose settings install none of the hub's apps, loads none.
"""

from django.http import HttpRequest

from unibos.http.errors import ApiError
from unibos.identity import tokens

ORGANIZATION = {
    "type": "object",
    "required": ["id", "slug", "name"],
    "properties": {
        "id": {"type": "integer"},
        "slug": {"type": "string"},
        "name": {"type": "string"},
    },
}
TOKEN = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in", "organization", "role"],
    "properties": {
        "access_token": {"type": "string"},
        "token_type": {"const": "Bearer"},
        "expires_in": {"type": "integer"},
        "organization": ORGANIZATION,
        "role": {"enum": list(tokens.ROLES)},
    },
}

ROLE_RANK = {"viewer": 0, "member": 1, "admin": 2, "owner": 3}
PREFIX = "Bearer "


def bearer_token(request: HttpRequest) -> str:
    """The token of the request's `Authorization: Bearer <token>` header; 401 without one."""
    authorization = request.headers.get("Authorization", "")
    token = authorization[len(PREFIX) :].strip() if authorization.startswith(PREFIX) else ""
    if not token:
        raise unauthorized("Authorization: Bearer <token> is missing")
    return token


def require_role(actual: str, needed: str) -> None:
    """403 unless role `actual` is `needed` or higher."""
    if ROLE_RANK.get(actual, -1) < ROLE_RANK[needed]:
        raise ApiError(
            403, "forbidden", f"this needs role {needed} or higher; the caller is {actual}"
        )


def unauthorized(detail: str) -> ApiError:
    return ApiError(
        401, "invalid_token", detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
    )
