"""GET /.well-known/jwks.json: the keys a verifier needs, next and retired ones included."""

from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_cache_control

from unibos.http import openapi
from unibos.http.contract import endpoint
from unibos.identity import keys

# Nodes refresh on their own schedule; a next key is published long before it signs.
MAX_AGE_SECONDS = 300

JWK = {
    "type": "object",
    "required": ["kty", "crv", "x", "kid"],
    "properties": {
        "kty": {"const": "OKP"},
        "crv": {"const": "Ed25519"},
        "x": {"type": "string"},
        "kid": {"type": "string"},
        "alg": {"const": "EdDSA"},
        "use": {"const": "sig"},
    },
}
JWKS = {
    "type": "object",
    "required": ["keys"],
    "properties": {"keys": {"type": "array", "items": JWK}},
}


@openapi.operation(summary="The hub's token signing keys (JWKS)", responses={200: JWKS})
@endpoint("GET")
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(keys.jwks())
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return response
