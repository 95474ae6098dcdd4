"""Who is calling the node: bearer tokens verified here, with the network down too.

Hub tokens verify against the cached JWKS (a `kid` it lacks makes it ask the hub),
node-local tokens against the node's own key; the token's `kid` says which. Either way
unibos.identity.tokens.verify does the verifying, as on the hub. A valid token for
another organization than the node's is refused: the node serves one organization.
"""

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from django.http import HttpRequest, HttpResponse

from unibos.http.bearer import bearer_token, require_role, unauthorized
from unibos.http.errors import ApiError
from unibos.identity import tokens
from unibos.node import local_tokens
from unibos.node.config import NodeConfig
from unibos.node.hub_client import HubClient
from unibos.node.jwks_cache import JWKSCache
from unibos.node.state import Identity, NotEnrolled


@dataclass(frozen=True)
class Caller:
    claims: tokens.Claims
    config: NodeConfig
    identity: Identity

    def require(self, role: str) -> None:
        require_role(self.claims.role, role)


def enrolled() -> tuple[NodeConfig, Identity]:
    """This node's configuration and identity; 503 while it is not enrolled."""
    config = NodeConfig.from_settings()
    try:
        return config, config.state.identity()
    except NotEnrolled as error:
        raise ApiError(503, "not_enrolled", str(error)) from None


def authenticated(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view gets the Caller after the request. Inside unibos.http.errors' `endpoint`, which
    turns the ApiErrors into responses."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        config, identity = enrolled()
        token = bearer_token(request)
        caller = Caller(verify(token, config, identity), config, identity)
        return view(request, caller, *args, **kwargs)

    return wrapper


class HubKeys(Mapping[str, jwt.PyJWK]):
    """The cached JWKS as tokens.verify reads keys: looking up a missing kid refreshes."""

    def __init__(self, cache: JWKSCache) -> None:
        self.cache = cache

    def __getitem__(self, kid: str) -> jwt.PyJWK:
        jwk = self.cache.key(kid)
        if jwk is None:
            raise KeyError(kid)
        try:
            return jwt.PyJWK(jwk)
        except jwt.PyJWTError:
            # A key the cache holds but cannot use signs nothing this node accepts.
            raise KeyError(kid) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.cache.cached().kids)

    def __len__(self) -> int:
        return len(self.cache.cached().keys)


def verify(token: str, config: NodeConfig, identity: Identity) -> tokens.Claims:
    """The claims of a hub or node-local token for this node's organization."""
    try:
        local = local_tokens.public_jwk(config.state)
        if local is not None and _kid(token) == local["kid"]:
            claims = tokens.verify(
                token, {local["kid"]: jwt.PyJWK(local)}, issuer=local_tokens.issuer(identity)
            )
        else:
            hub = HubClient(config.hub_url_for(identity))
            cache = JWKSCache(config.state, hub, config.jwks_refresh_interval)
            claims = tokens.verify(token, HubKeys(cache), issuer=identity.issuer)
    except tokens.TokenError as error:
        raise unauthorized(str(error)) from None
    if claims.organization != identity.organization_id:
        raise ApiError(
            403,
            "forbidden",
            f"the token is for organization {claims.organization}; this node serves "
            f"organization {identity.organization_id}",
        )
    return claims


def _kid(token: str) -> object:
    try:
        return jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        # tokens.verify says what is wrong with it.
        return None
