"""POST /api/peers/heartbeat: a peer on the LAN says it is alive, and learns this node's
version vector (unibos.node.peers).

The caller's hub-issued node token is verified against the cached JWKS only, never by
asking the hub (peers talk while none answers); another organization's node or a token
that does not verify is refused, and logged once per peer, naming it.
"""

from django.http import HttpRequest, JsonResponse

import unibos
from unibos.http import openapi
from unibos.http.bearer import bearer_token, unauthorized
from unibos.http.contract import body, endpoint
from unibos.http.errors import ApiError
from unibos.http.node.auth import enrolled
from unibos.node.peers import auth
from unibos.node.sync.store import SyncStore

HELLO = {
    "type": "object",
    "required": ["node_id", "name"],
    "additionalProperties": False,
    "properties": {
        "node_id": {"type": "string", "format": "uuid", "maxLength": 36},
        "name": openapi.text(200),
    },
}
ANSWER = {
    "type": "object",
    "required": ["node_id", "name", "organization", "version", "vector"],
    "properties": {
        "node_id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "organization": {"type": "integer"},
        "version": {"type": "string"},
        "vector": {
            "type": "object",
            "description": "origin node id -> the highest seq of it this node holds",
            "additionalProperties": {"type": "integer", "minimum": 0},
        },
    },
}

# One per process: a refused peer retries every few seconds.
refusals = auth.RefusalLog()


@openapi.operation(
    summary="A peer's heartbeat: this node's version vector for a node of its organization",
    description="The caller's hub-issued node token is verified offline, against this "
    "node's cached JWKS.",
    auth="bearer",
    request=HELLO,
    responses={200: ANSWER, 401: openapi.ERROR, 403: openapi.ERROR, 503: openapi.ERROR},
)
@endpoint("POST")
def heartbeat(request: HttpRequest) -> JsonResponse:
    config, identity = enrolled()
    hello = body(request)
    peer = f"{hello['name']} ({hello['node_id']} at {request.META.get('REMOTE_ADDR')})"
    token = bearer_token(request)
    try:
        claims = auth.verify(token, config.state, identity)
        if claims.subject_id != hello["node_id"]:
            raise auth.PeerRefused(403, f"the token is node {claims.subject_id}'s")
    except auth.PeerRefused as refusal:
        refusals.refused(peer, refusal.reason)
        if refusal.status == 401:
            raise unauthorized(refusal.reason) from None
        raise ApiError(403, "forbidden", refusal.reason) from None
    refusals.forget(peer)
    with SyncStore.of_node(identity) as store:
        vector = store.vector()
    return JsonResponse(
        {
            "node_id": identity.node_id,
            "name": identity.name,
            "organization": identity.organization_id,
            "version": unibos.__version__,
            "vector": vector,
        }
    )
